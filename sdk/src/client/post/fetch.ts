import { postWith } from './types.ts';
import type { Post } from './types.ts';

/** Outside Node: the global fetch. */
export const defaultPost: Post = postWith((input, init) => fetch(input, init));
