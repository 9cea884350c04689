// Original file: proto/srv6/agent/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface SidCounters {
  'packets'?: (number | string | Long);
  'bytes'?: (number | string | Long);
  'errors'?: (number | string | Long);
}

export interface SidCounters__Output {
  'packets': (string);
  'bytes': (string);
  'errors': (string);
}
