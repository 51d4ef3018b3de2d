/**
 * Everything a refresh reads of a merge request, in one GraphQL query: REST would take five calls
 * and more (the merge request, its approvals, its reviewers' states, a commit count, and every
 * page of its diffs to add up lines — REST has no additions or deletions). Field names are those
 * of GitLab's GraphQL reference (GitLab 16.x and later); connections are read to 100 nodes.
 */
export const MERGE_REQUEST_QUERY = `query gitsyncMergeRequest($project: ID!, $iid: String!) {
  project(fullPath: $project) {
    mergeRequest(iid: $iid) {
      iid
      title
      state
      draft
      sourceBranch
      targetBranch
      diffHeadSha
      author { username avatarUrl }
      commitCount
      diffStatsSummary { additions deletions fileCount }
      approved
      approvedBy(first: 100) { nodes { username } }
      reviewers(first: 100) { nodes { username mergeRequestInteraction { reviewState } } }
      headPipeline { status }
    }
  }
}`;
