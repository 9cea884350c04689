// Original file: proto/srv6/agent/v1/agent.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ApplyRequest as _srv6_agent_v1_ApplyRequest, ApplyRequest__Output as _srv6_agent_v1_ApplyRequest__Output } from '../../../srv6/agent/v1/ApplyRequest';
import type { ApplyResponse as _srv6_agent_v1_ApplyResponse, ApplyResponse__Output as _srv6_agent_v1_ApplyResponse__Output } from '../../../srv6/agent/v1/ApplyResponse';
import type { GetInfoRequest as _srv6_agent_v1_GetInfoRequest, GetInfoRequest__Output as _srv6_agent_v1_GetInfoRequest__Output } from '../../../srv6/agent/v1/GetInfoRequest';
import type { GetProbesRequest as _srv6_agent_v1_GetProbesRequest, GetProbesRequest__Output as _srv6_agent_v1_GetProbesRequest__Output } from '../../../srv6/agent/v1/GetProbesRequest';
import type { ListStateRequest as _srv6_agent_v1_ListStateRequest, ListStateRequest__Output as _srv6_agent_v1_ListStateRequest__Output } from '../../../srv6/agent/v1/ListStateRequest';
import type { ListStateResponse as _srv6_agent_v1_ListStateResponse, ListStateResponse__Output as _srv6_agent_v1_ListStateResponse__Output } from '../../../srv6/agent/v1/ListStateResponse';
import type { ProbeConfig as _srv6_agent_v1_ProbeConfig, ProbeConfig__Output as _srv6_agent_v1_ProbeConfig__Output } from '../../../srv6/agent/v1/ProbeConfig';
import type { ProbeStatus as _srv6_agent_v1_ProbeStatus, ProbeStatus__Output as _srv6_agent_v1_ProbeStatus__Output } from '../../../srv6/agent/v1/ProbeStatus';
import type { RouterEvent as _srv6_agent_v1_RouterEvent, RouterEvent__Output as _srv6_agent_v1_RouterEvent__Output } from '../../../srv6/agent/v1/RouterEvent';
import type { RouterInfo as _srv6_agent_v1_RouterInfo, RouterInfo__Output as _srv6_agent_v1_RouterInfo__Output } from '../../../srv6/agent/v1/RouterInfo';
import type { SetPathRequest as _srv6_agent_v1_SetPathRequest, SetPathRequest__Output as _srv6_agent_v1_SetPathRequest__Output } from '../../../srv6/agent/v1/SetPathRequest';
import type { SetPathsReply as _srv6_agent_v1_SetPathsReply, SetPathsReply__Output as _srv6_agent_v1_SetPathsReply__Output } from '../../../srv6/agent/v1/SetPathsReply';
import type { SetPathsRequest as _srv6_agent_v1_SetPathsRequest, SetPathsRequest__Output as _srv6_agent_v1_SetPathsRequest__Output } from '../../../srv6/agent/v1/SetPathsRequest';
import type { SyncRequest as _srv6_agent_v1_SyncRequest, SyncRequest__Output as _srv6_agent_v1_SyncRequest__Output } from '../../../srv6/agent/v1/SyncRequest';
import type { SyncResponse as _srv6_agent_v1_SyncResponse, SyncResponse__Output as _srv6_agent_v1_SyncResponse__Output } from '../../../srv6/agent/v1/SyncResponse';
import type { TelemetryRequest as _srv6_agent_v1_TelemetryRequest, TelemetryRequest__Output as _srv6_agent_v1_TelemetryRequest__Output } from '../../../srv6/agent/v1/TelemetryRequest';
import type { TelemetrySample as _srv6_agent_v1_TelemetrySample, TelemetrySample__Output as _srv6_agent_v1_TelemetrySample__Output } from '../../../srv6/agent/v1/TelemetrySample';
import type { WatchEventsRequest as _srv6_agent_v1_WatchEventsRequest, WatchEventsRequest__Output as _srv6_agent_v1_WatchEventsRequest__Output } from '../../../srv6/agent/v1/WatchEventsRequest';

export interface RouterAgentClient extends grpc.Client {
  /**
   * An ordered, atomic batch: if one op fails, the ops already applied are rolled back.
   */
  Apply(argument: _srv6_agent_v1_ApplyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ApplyResponse__Output>): grpc.ClientUnaryCall;
  Apply(argument: _srv6_agent_v1_ApplyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_agent_v1_ApplyResponse__Output>): grpc.ClientUnaryCall;
  Apply(argument: _srv6_agent_v1_ApplyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ApplyResponse__Output>): grpc.ClientUnaryCall;
  Apply(argument: _srv6_agent_v1_ApplyRequest, callback: grpc.requestCallback<_srv6_agent_v1_ApplyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * An ordered, atomic batch: if one op fails, the ops already applied are rolled back.
   */
  apply(argument: _srv6_agent_v1_ApplyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ApplyResponse__Output>): grpc.ClientUnaryCall;
  apply(argument: _srv6_agent_v1_ApplyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_agent_v1_ApplyResponse__Output>): grpc.ClientUnaryCall;
  apply(argument: _srv6_agent_v1_ApplyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ApplyResponse__Output>): grpc.ClientUnaryCall;
  apply(argument: _srv6_agent_v1_ApplyRequest, callback: grpc.requestCallback<_srv6_agent_v1_ApplyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Router name, agent version, interfaces and kernel SRv6 support.
   */
  GetInfo(argument: _srv6_agent_v1_GetInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_RouterInfo__Output>): grpc.ClientUnaryCall;
  GetInfo(argument: _srv6_agent_v1_GetInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_agent_v1_RouterInfo__Output>): grpc.ClientUnaryCall;
  GetInfo(argument: _srv6_agent_v1_GetInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_RouterInfo__Output>): grpc.ClientUnaryCall;
  GetInfo(argument: _srv6_agent_v1_GetInfoRequest, callback: grpc.requestCallback<_srv6_agent_v1_RouterInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Router name, agent version, interfaces and kernel SRv6 support.
   */
  getInfo(argument: _srv6_agent_v1_GetInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_RouterInfo__Output>): grpc.ClientUnaryCall;
  getInfo(argument: _srv6_agent_v1_GetInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_agent_v1_RouterInfo__Output>): grpc.ClientUnaryCall;
  getInfo(argument: _srv6_agent_v1_GetInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_RouterInfo__Output>): grpc.ClientUnaryCall;
  getInfo(argument: _srv6_agent_v1_GetInfoRequest, callback: grpc.requestCallback<_srv6_agent_v1_RouterInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every probed path's figures and every protection's state.
   */
  GetProbes(argument: _srv6_agent_v1_GetProbesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ProbeStatus__Output>): grpc.ClientUnaryCall;
  GetProbes(argument: _srv6_agent_v1_GetProbesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_agent_v1_ProbeStatus__Output>): grpc.ClientUnaryCall;
  GetProbes(argument: _srv6_agent_v1_GetProbesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ProbeStatus__Output>): grpc.ClientUnaryCall;
  GetProbes(argument: _srv6_agent_v1_GetProbesRequest, callback: grpc.requestCallback<_srv6_agent_v1_ProbeStatus__Output>): grpc.ClientUnaryCall;
  /**
   * Every probed path's figures and every protection's state.
   */
  getProbes(argument: _srv6_agent_v1_GetProbesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ProbeStatus__Output>): grpc.ClientUnaryCall;
  getProbes(argument: _srv6_agent_v1_GetProbesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_agent_v1_ProbeStatus__Output>): grpc.ClientUnaryCall;
  getProbes(argument: _srv6_agent_v1_GetProbesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ProbeStatus__Output>): grpc.ClientUnaryCall;
  getProbes(argument: _srv6_agent_v1_GetProbesRequest, callback: grpc.requestCallback<_srv6_agent_v1_ProbeStatus__Output>): grpc.ClientUnaryCall;
  
  /**
   * The routes, SIDs and rules this agent owns, read back from the kernel, and
   * (in foreign) those other owners wrote.
   */
  ListState(argument: _srv6_agent_v1_ListStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ListStateResponse__Output>): grpc.ClientUnaryCall;
  ListState(argument: _srv6_agent_v1_ListStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_agent_v1_ListStateResponse__Output>): grpc.ClientUnaryCall;
  ListState(argument: _srv6_agent_v1_ListStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ListStateResponse__Output>): grpc.ClientUnaryCall;
  ListState(argument: _srv6_agent_v1_ListStateRequest, callback: grpc.requestCallback<_srv6_agent_v1_ListStateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The routes, SIDs and rules this agent owns, read back from the kernel, and
   * (in foreign) those other owners wrote.
   */
  listState(argument: _srv6_agent_v1_ListStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ListStateResponse__Output>): grpc.ClientUnaryCall;
  listState(argument: _srv6_agent_v1_ListStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_agent_v1_ListStateResponse__Output>): grpc.ClientUnaryCall;
  listState(argument: _srv6_agent_v1_ListStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ListStateResponse__Output>): grpc.ClientUnaryCall;
  listState(argument: _srv6_agent_v1_ListStateRequest, callback: grpc.requestCallback<_srv6_agent_v1_ListStateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * One seg6 encap route, upserted with a single atomic replace: the path switch.
   */
  SetPath(argument: _srv6_agent_v1_SetPathRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ApplyResponse__Output>): grpc.ClientUnaryCall;
  SetPath(argument: _srv6_agent_v1_SetPathRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_agent_v1_ApplyResponse__Output>): grpc.ClientUnaryCall;
  SetPath(argument: _srv6_agent_v1_SetPathRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ApplyResponse__Output>): grpc.ClientUnaryCall;
  SetPath(argument: _srv6_agent_v1_SetPathRequest, callback: grpc.requestCallback<_srv6_agent_v1_ApplyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * One seg6 encap route, upserted with a single atomic replace: the path switch.
   */
  setPath(argument: _srv6_agent_v1_SetPathRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ApplyResponse__Output>): grpc.ClientUnaryCall;
  setPath(argument: _srv6_agent_v1_SetPathRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_agent_v1_ApplyResponse__Output>): grpc.ClientUnaryCall;
  setPath(argument: _srv6_agent_v1_SetPathRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ApplyResponse__Output>): grpc.ClientUnaryCall;
  setPath(argument: _srv6_agent_v1_SetPathRequest, callback: grpc.requestCallback<_srv6_agent_v1_ApplyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * SetPath over one long-lived stream: the controller's switch path. Each reply
   * carries the request's id; a refused request gets its status in the reply and
   * the stream stays open (a unary call costs an HTTP/2 stream of its own).
   */
  SetPaths(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_srv6_agent_v1_SetPathsRequest, _srv6_agent_v1_SetPathsReply__Output>;
  SetPaths(options?: grpc.CallOptions): grpc.ClientDuplexStream<_srv6_agent_v1_SetPathsRequest, _srv6_agent_v1_SetPathsReply__Output>;
  /**
   * SetPath over one long-lived stream: the controller's switch path. Each reply
   * carries the request's id; a refused request gets its status in the reply and
   * the stream stays open (a unary call costs an HTTP/2 stream of its own).
   */
  setPaths(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_srv6_agent_v1_SetPathsRequest, _srv6_agent_v1_SetPathsReply__Output>;
  setPaths(options?: grpc.CallOptions): grpc.ClientDuplexStream<_srv6_agent_v1_SetPathsRequest, _srv6_agent_v1_SetPathsReply__Output>;
  
  /**
   * Probes through segment lists and fast reroute at this router: replaces the
   * whole probe configuration at once (all-or-nothing) and returns the status.
   */
  SetProbes(argument: _srv6_agent_v1_ProbeConfig, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ProbeStatus__Output>): grpc.ClientUnaryCall;
  SetProbes(argument: _srv6_agent_v1_ProbeConfig, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_agent_v1_ProbeStatus__Output>): grpc.ClientUnaryCall;
  SetProbes(argument: _srv6_agent_v1_ProbeConfig, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ProbeStatus__Output>): grpc.ClientUnaryCall;
  SetProbes(argument: _srv6_agent_v1_ProbeConfig, callback: grpc.requestCallback<_srv6_agent_v1_ProbeStatus__Output>): grpc.ClientUnaryCall;
  /**
   * Probes through segment lists and fast reroute at this router: replaces the
   * whole probe configuration at once (all-or-nothing) and returns the status.
   */
  setProbes(argument: _srv6_agent_v1_ProbeConfig, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ProbeStatus__Output>): grpc.ClientUnaryCall;
  setProbes(argument: _srv6_agent_v1_ProbeConfig, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_agent_v1_ProbeStatus__Output>): grpc.ClientUnaryCall;
  setProbes(argument: _srv6_agent_v1_ProbeConfig, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_ProbeStatus__Output>): grpc.ClientUnaryCall;
  setProbes(argument: _srv6_agent_v1_ProbeConfig, callback: grpc.requestCallback<_srv6_agent_v1_ProbeStatus__Output>): grpc.ClientUnaryCall;
  
  /**
   * Interface and SID counters every interval_ms.
   */
  StreamTelemetry(argument: _srv6_agent_v1_TelemetryRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_srv6_agent_v1_TelemetrySample__Output>;
  StreamTelemetry(argument: _srv6_agent_v1_TelemetryRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_srv6_agent_v1_TelemetrySample__Output>;
  /**
   * Interface and SID counters every interval_ms.
   */
  streamTelemetry(argument: _srv6_agent_v1_TelemetryRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_srv6_agent_v1_TelemetrySample__Output>;
  streamTelemetry(argument: _srv6_agent_v1_TelemetryRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_srv6_agent_v1_TelemetrySample__Output>;
  
  /**
   * Makes the owned state equal to the desired state and reports the difference.
   */
  Sync(argument: _srv6_agent_v1_SyncRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_SyncResponse__Output>): grpc.ClientUnaryCall;
  Sync(argument: _srv6_agent_v1_SyncRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_agent_v1_SyncResponse__Output>): grpc.ClientUnaryCall;
  Sync(argument: _srv6_agent_v1_SyncRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_SyncResponse__Output>): grpc.ClientUnaryCall;
  Sync(argument: _srv6_agent_v1_SyncRequest, callback: grpc.requestCallback<_srv6_agent_v1_SyncResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Makes the owned state equal to the desired state and reports the difference.
   */
  sync(argument: _srv6_agent_v1_SyncRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_SyncResponse__Output>): grpc.ClientUnaryCall;
  sync(argument: _srv6_agent_v1_SyncRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_agent_v1_SyncResponse__Output>): grpc.ClientUnaryCall;
  sync(argument: _srv6_agent_v1_SyncRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_agent_v1_SyncResponse__Output>): grpc.ClientUnaryCall;
  sync(argument: _srv6_agent_v1_SyncRequest, callback: grpc.requestCallback<_srv6_agent_v1_SyncResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Link up/down and route/rule changes seen in the kernel.
   */
  WatchEvents(argument: _srv6_agent_v1_WatchEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_srv6_agent_v1_RouterEvent__Output>;
  WatchEvents(argument: _srv6_agent_v1_WatchEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_srv6_agent_v1_RouterEvent__Output>;
  /**
   * Link up/down and route/rule changes seen in the kernel.
   */
  watchEvents(argument: _srv6_agent_v1_WatchEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_srv6_agent_v1_RouterEvent__Output>;
  watchEvents(argument: _srv6_agent_v1_WatchEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_srv6_agent_v1_RouterEvent__Output>;
  
}

export interface RouterAgentHandlers extends grpc.UntypedServiceImplementation {
  /**
   * An ordered, atomic batch: if one op fails, the ops already applied are rolled back.
   */
  Apply: grpc.handleUnaryCall<_srv6_agent_v1_ApplyRequest__Output, _srv6_agent_v1_ApplyResponse>;
  
  /**
   * Router name, agent version, interfaces and kernel SRv6 support.
   */
  GetInfo: grpc.handleUnaryCall<_srv6_agent_v1_GetInfoRequest__Output, _srv6_agent_v1_RouterInfo>;
  
  /**
   * Every probed path's figures and every protection's state.
   */
  GetProbes: grpc.handleUnaryCall<_srv6_agent_v1_GetProbesRequest__Output, _srv6_agent_v1_ProbeStatus>;
  
  /**
   * The routes, SIDs and rules this agent owns, read back from the kernel, and
   * (in foreign) those other owners wrote.
   */
  ListState: grpc.handleUnaryCall<_srv6_agent_v1_ListStateRequest__Output, _srv6_agent_v1_ListStateResponse>;
  
  /**
   * One seg6 encap route, upserted with a single atomic replace: the path switch.
   */
  SetPath: grpc.handleUnaryCall<_srv6_agent_v1_SetPathRequest__Output, _srv6_agent_v1_ApplyResponse>;
  
  /**
   * SetPath over one long-lived stream: the controller's switch path. Each reply
   * carries the request's id; a refused request gets its status in the reply and
   * the stream stays open (a unary call costs an HTTP/2 stream of its own).
   */
  SetPaths: grpc.handleBidiStreamingCall<_srv6_agent_v1_SetPathsRequest__Output, _srv6_agent_v1_SetPathsReply>;
  
  /**
   * Probes through segment lists and fast reroute at this router: replaces the
   * whole probe configuration at once (all-or-nothing) and returns the status.
   */
  SetProbes: grpc.handleUnaryCall<_srv6_agent_v1_ProbeConfig__Output, _srv6_agent_v1_ProbeStatus>;
  
  /**
   * Interface and SID counters every interval_ms.
   */
  StreamTelemetry: grpc.handleServerStreamingCall<_srv6_agent_v1_TelemetryRequest__Output, _srv6_agent_v1_TelemetrySample>;
  
  /**
   * Makes the owned state equal to the desired state and reports the difference.
   */
  Sync: grpc.handleUnaryCall<_srv6_agent_v1_SyncRequest__Output, _srv6_agent_v1_SyncResponse>;
  
  /**
   * Link up/down and route/rule changes seen in the kernel.
   */
  WatchEvents: grpc.handleServerStreamingCall<_srv6_agent_v1_WatchEventsRequest__Output, _srv6_agent_v1_RouterEvent>;
  
}

export interface RouterAgentDefinition extends grpc.ServiceDefinition {
  Apply: MethodDefinition<_srv6_agent_v1_ApplyRequest, _srv6_agent_v1_ApplyResponse, _srv6_agent_v1_ApplyRequest__Output, _srv6_agent_v1_ApplyResponse__Output>
  GetInfo: MethodDefinition<_srv6_agent_v1_GetInfoRequest, _srv6_agent_v1_RouterInfo, _srv6_agent_v1_GetInfoRequest__Output, _srv6_agent_v1_RouterInfo__Output>
  GetProbes: MethodDefinition<_srv6_agent_v1_GetProbesRequest, _srv6_agent_v1_ProbeStatus, _srv6_agent_v1_GetProbesRequest__Output, _srv6_agent_v1_ProbeStatus__Output>
  ListState: MethodDefinition<_srv6_agent_v1_ListStateRequest, _srv6_agent_v1_ListStateResponse, _srv6_agent_v1_ListStateRequest__Output, _srv6_agent_v1_ListStateResponse__Output>
  SetPath: MethodDefinition<_srv6_agent_v1_SetPathRequest, _srv6_agent_v1_ApplyResponse, _srv6_agent_v1_SetPathRequest__Output, _srv6_agent_v1_ApplyResponse__Output>
  SetPaths: MethodDefinition<_srv6_agent_v1_SetPathsRequest, _srv6_agent_v1_SetPathsReply, _srv6_agent_v1_SetPathsRequest__Output, _srv6_agent_v1_SetPathsReply__Output>
  SetProbes: MethodDefinition<_srv6_agent_v1_ProbeConfig, _srv6_agent_v1_ProbeStatus, _srv6_agent_v1_ProbeConfig__Output, _srv6_agent_v1_ProbeStatus__Output>
  StreamTelemetry: MethodDefinition<_srv6_agent_v1_TelemetryRequest, _srv6_agent_v1_TelemetrySample, _srv6_agent_v1_TelemetryRequest__Output, _srv6_agent_v1_TelemetrySample__Output>
  Sync: MethodDefinition<_srv6_agent_v1_SyncRequest, _srv6_agent_v1_SyncResponse, _srv6_agent_v1_SyncRequest__Output, _srv6_agent_v1_SyncResponse__Output>
  WatchEvents: MethodDefinition<_srv6_agent_v1_WatchEventsRequest, _srv6_agent_v1_RouterEvent, _srv6_agent_v1_WatchEventsRequest__Output, _srv6_agent_v1_RouterEvent__Output>
}
