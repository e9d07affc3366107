/**
 * The ML Web Worker entry. Note: no logic here (ARCHITECTURE §1): it only
 * exposes the tagger; the logic lives in tagger.ts and friends, which Node
 * tests import directly. Nothing may import this file (lint rule).
 */
import { browserTaggerDeps } from './browser-tagger-deps.ts';
import { ML_API_SCHEMA } from './ml-api-schema.ts';
import { expose, type Endpoint } from './rpc.ts';
import { createTagger } from './tagger.ts';

expose(createTagger(browserTaggerDeps()), ML_API_SCHEMA, self as unknown as Endpoint);
