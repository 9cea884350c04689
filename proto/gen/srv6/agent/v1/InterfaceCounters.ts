// Original file: proto/srv6/agent/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface InterfaceCounters {
  'name'?: (string);
  'index'?: (number);
  'oper_state'?: (string);
  'rx_bytes'?: (number | string | Long);
  'tx_bytes'?: (number | string | Long);
  'rx_packets'?: (number | string | Long);
  'tx_packets'?: (number | string | Long);
  'rx_errors'?: (number | string | Long);
  'tx_errors'?: (number | string | Long);
  'rx_dropped'?: (number | string | Long);
  'tx_dropped'?: (number | string | Long);
}

export interface InterfaceCounters__Output {
  'name': (string);
  'index': (number);
  'oper_state': (string);
  'rx_bytes': (string);
  'tx_bytes': (string);
  'rx_packets': (string);
  'tx_packets': (string);
  'rx_errors': (string);
  'tx_errors': (string);
  'rx_dropped': (string);
  'tx_dropped': (string);
}
