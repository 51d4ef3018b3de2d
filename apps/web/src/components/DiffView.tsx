import { Diff, Hunk, parseDiff, type FileData } from 'react-diff-view';

/** A file's name as its header shows it: renames as `old → new`. */
function fileName(file: FileData): string {
  if (file.type === 'delete') return file.oldPath;
  if (file.type === 'rename' && file.oldPath !== file.newPath) return `${file.oldPath} → ${file.newPath}`;
  return file.newPath;
}

/** A unified diff, file by file with +/− colouring (react-diff-view parses and renders it). */
export function DiffView({ text }: { text: string }) {
  if (text.trim() === '') return <p className="diff-empty">No changes.</p>;
  let files: FileData[];
  try {
    files = parseDiff(text);
  } catch {
    return <pre className="diff-raw">{text}</pre>;
  }
  if (files.length === 0) return <p className="diff-empty">No changes.</p>;
  return (
    <div className="diff-files">
      {files.map((file) => (
        <section className="diff-file" key={`${file.oldRevision}-${file.newRevision}-${fileName(file)}`}>
          <h3 className="diff-file-header" data-change={file.type}>
            {fileName(file)}
          </h3>
          <Diff viewType="unified" diffType={file.type} hunks={file.hunks}>
            {(hunks) => hunks.map((hunk) => <Hunk key={hunk.content} hunk={hunk} />)}
          </Diff>
        </section>
      ))}
    </div>
  );
}
