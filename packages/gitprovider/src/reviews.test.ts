import { aggregateReviews } from './reviews.js';
import type { ReviewInput } from './reviews.js';

let nextId = 1;
const review = (login: string | null, state: string, extra: Partial<ReviewInput> = {}): ReviewInput => ({
  id: nextId++,
  state,
  user: login === null ? null : { login },
  ...extra,
});

describe('aggregateReviews', () => {
  it('is empty without reviews', () => {
    expect(aggregateReviews([])).toEqual({ approved: false, changesRequested: false, reviewerCount: 0 });
  });

  it('approves when someone approved and nobody requests changes', () => {
    expect(aggregateReviews([review('alice', 'APPROVED'), review('bob', 'COMMENTED')])).toEqual({
      approved: true,
      changesRequested: false,
      reviewerCount: 1,
    });
  });

  it('does not approve while anyone requests changes', () => {
    expect(aggregateReviews([review('alice', 'APPROVED'), review('bob', 'CHANGES_REQUESTED')])).toEqual({
      approved: false,
      changesRequested: true,
      reviewerCount: 2,
    });
  });

  it('lets the latest decisive review of a reviewer win', () => {
    expect(aggregateReviews([review('alice', 'CHANGES_REQUESTED'), review('alice', 'APPROVED')])).toEqual({
      approved: true,
      changesRequested: false,
      reviewerCount: 1,
    });
    expect(aggregateReviews([review('alice', 'APPROVED'), review('alice', 'CHANGES_REQUESTED')])).toMatchObject({
      approved: false,
      changesRequested: true,
    });
  });

  it('orders by id when the list is out of order', () => {
    const verdict = aggregateReviews([
      review('alice', 'APPROVED', { id: 20 }),
      review('alice', 'CHANGES_REQUESTED', { id: 10 }),
    ]);
    expect(verdict).toMatchObject({ approved: true, changesRequested: false });
  });

  it('orders by submitted_at when ids are missing', () => {
    const verdict = aggregateReviews([
      review('alice', 'APPROVED', { id: null, submitted_at: '2024-02-01T00:00:00Z' }),
      review('alice', 'CHANGES_REQUESTED', { id: null, submitted_at: '2024-01-01T00:00:00Z' }),
    ]);
    expect(verdict).toMatchObject({ approved: true, changesRequested: false });
  });

  it('case-folds logins', () => {
    expect(aggregateReviews([review('Alice', 'CHANGES_REQUESTED'), review('alice', 'APPROVED')])).toEqual({
      approved: true,
      changesRequested: false,
      reviewerCount: 1,
    });
  });

  it('ignores COMMENTED and PENDING, which never override a decision', () => {
    expect(
      aggregateReviews([review('alice', 'CHANGES_REQUESTED'), review('alice', 'COMMENTED'), review('bob', 'PENDING')]),
    ).toEqual({ approved: false, changesRequested: true, reviewerCount: 1 });
  });

  it('keeps a dismissed reviewer in the count but not in the verdict', () => {
    expect(aggregateReviews([review('alice', 'CHANGES_REQUESTED'), review('alice', 'DISMISSED')])).toEqual({
      approved: false,
      changesRequested: false,
      reviewerCount: 1,
    });
    expect(aggregateReviews([review('alice', 'DISMISSED'), review('bob', 'APPROVED')])).toEqual({
      approved: true,
      changesRequested: false,
      reviewerCount: 2,
    });
  });

  it('accepts lower-case states and skips reviews without a user', () => {
    expect(aggregateReviews([review(null, 'CHANGES_REQUESTED'), review('bob', 'approved')])).toEqual({
      approved: true,
      changesRequested: false,
      reviewerCount: 1,
    });
  });
});
