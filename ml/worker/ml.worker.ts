/**
 * The ML Web Worker entry. Note: no logic here (ARCHITECTURE §1): it only
 * exposes the tagger; the logic lives in tagger.ts and friends, which Node
 * tests import directly. Nothing may import this file (lint rule).
 */
import { browserTaggerDeps } from './browser-tagger-deps.ts';
import { ML_API_SCHEMA } from './ml-api-schema.ts';
import { expose, stageReporter, type Endpoint } from './rpc.ts';
import { createTagger } from './tagger.ts';

const endpoint = self as unknown as Endpoint;
expose(createTagger({ ...browserTaggerDeps(), onStage: stageReporter(endpoint) }), ML_API_SCHEMA, endpoint);
