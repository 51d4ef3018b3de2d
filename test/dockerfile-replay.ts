import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ignore from '@balena/dockerignore';
import { DockerfileParser, From, type Copy, type Env } from 'dockerfile-ast';

/** One stage of a Dockerfile, replayed into a folder that stands for the container's `/`. */
export interface ReplayedStage {
  name: string;
  /** The FROM image, e.g. `node:22-bookworm-slim`. */
  base: string;
  /** The folder that stands for the stage's `/`. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string | null;
  cmd: string[] | null;
  /** Milliseconds each RUN took, in order. */
  runs: Array<{ command: string; ms: number }>;
}

export interface ReplayOptions {
  /** The build context (the repository). */
  context: string;
  /** An empty folder; each stage gets a folder of its own in it. */
  into: string;
  /** Added to every RUN's environment (e.g. npm settings), after the Dockerfile's ENV. */
  runEnv?: Record<string, string>;
}

/** Where a container path of `stage` is on this machine. */
export const hostPath = (stage: ReplayedStage, containerPath: string) =>
  path.join(stage.root, path.posix.resolve(stage.workdir, containerPath));

/**
 * Runs a Dockerfile's steps without Docker: COPY honours .dockerignore, RUN runs `sh -c` in the
 * stage's WORKDIR with only PATH, HOME and the stage's ENV. Instructions it cannot replay faithfully
 * (ARG, ADD, VOLUME …) stop it, so the test never passes on a step it skipped.
 */
export async function replayDockerfile(options: ReplayOptions): Promise<ReplayedStage[]> {
  const dockerfile = DockerfileParser.parse(readFileSync(path.join(options.context, 'Dockerfile'), 'utf8'));
  const ignored = ignore().add(readFileSync(path.join(options.context, '.dockerignore'), 'utf8'));
  const stages: ReplayedStage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (instruction instanceof From) {
      const name = instruction.getBuildStage() ?? String(stages.length);
      const root = path.join(options.into, name);
      mkdirSync(root, { recursive: true });
      stages.push({
        name,
        base: instruction.getImage()!,
        root,
        workdir: '/',
        env: {},
        user: null,
        cmd: null,
        runs: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile: ${keyword} before FROM`);
    switch (keyword) {
      case 'WORKDIR':
        stage.workdir = path.posix.resolve(stage.workdir, instruction.getArgumentsContent()!);
        mkdirSync(hostPath(stage, '.'), { recursive: true });
        break;
      case 'ENV':
        for (const property of (instruction as Env).getProperties())
          stage.env[property.getName()] = property.getValue() ?? '';
        break;
      case 'COPY':
        copy(stage, instruction as Copy, stages, options.context, (file) => file !== '' && ignored.ignores(file));
        break;
      case 'RUN':
        stage.runs.push(await run(stage, instruction.getArgumentsContent()!, options.runEnv ?? {}));
        break;
      case 'USER':
        stage.user = instruction.getArgumentsContent();
        break;
      case 'CMD':
        stage.cmd = JSON.parse(instruction.getArgumentsContent()!) as string[];
        break;
      case 'EXPOSE':
        break;
      default:
        throw new Error(
          `Dockerfile: the replay does not know ${keyword}; teach test/dockerfile-replay.ts or leave it out`,
        );
    }
  }
  return stages;
}

function copy(
  stage: ReplayedStage,
  instruction: Copy,
  stages: ReplayedStage[],
  context: string,
  isIgnored: (file: string) => boolean,
): void {
  const from = instruction
    .getFlags()
    .find((flag) => flag.getName() === 'from')
    ?.getValue();
  const args = instruction.getArguments().map((a) => a.getValue());
  const dest = args.pop()!;
  const source = from === undefined ? null : stages.find((s) => s.name === from);
  if (from !== undefined && !source) throw new Error(`Dockerfile: COPY --from=${from}: no such stage`);
  const target = hostPath(stage, dest);
  const intoFolder = dest.endsWith('/') || args.length > 1;
  for (const arg of args) {
    const src = source ? path.join(source.root, path.posix.resolve(source.workdir, arg)) : path.join(context, arg);
    const filter = source
      ? undefined
      : (file: string) => !isIgnored(path.relative(context, file).split(path.sep).join('/'));
    // A folder's contents go into the destination; a file goes into it when it is a folder.
    const to = statSync(src).isDirectory() || !intoFolder ? target : path.join(target, path.basename(arg));
    mkdirSync(statSync(src).isDirectory() ? to : path.dirname(to), { recursive: true });
    cpSync(src, to, { recursive: true, filter });
  }
}

async function run(
  stage: ReplayedStage,
  command: string,
  runEnv: Record<string, string>,
): Promise<{ command: string; ms: number }> {
  const started = Date.now();
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...stage.env, ...runEnv };
  const child = spawn('sh', ['-c', command], { cwd: hostPath(stage, '.'), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const code = await new Promise<number>((resolve) => child.on('close', (status) => resolve(status ?? -1)));
  if (code !== 0) throw new Error(`Dockerfile RUN failed (exit ${code}) in stage ${stage.name}: ${command}\n${output}`);
  return { command, ms: Date.now() - started };
}
