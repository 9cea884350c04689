// Original file: proto/srv6/controller/v1/controller.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AnalyzeRequest as _srv6_controller_v1_AnalyzeRequest, AnalyzeRequest__Output as _srv6_controller_v1_AnalyzeRequest__Output } from '../../../srv6/controller/v1/AnalyzeRequest';
import type { AnalyzeResponse as _srv6_controller_v1_AnalyzeResponse, AnalyzeResponse__Output as _srv6_controller_v1_AnalyzeResponse__Output } from '../../../srv6/controller/v1/AnalyzeResponse';
import type { ClusterStatus as _srv6_controller_v1_ClusterStatus, ClusterStatus__Output as _srv6_controller_v1_ClusterStatus__Output } from '../../../srv6/controller/v1/ClusterStatus';
import type { Flow as _srv6_controller_v1_Flow, Flow__Output as _srv6_controller_v1_Flow__Output } from '../../../srv6/controller/v1/Flow';
import type { GetClusterRequest as _srv6_controller_v1_GetClusterRequest, GetClusterRequest__Output as _srv6_controller_v1_GetClusterRequest__Output } from '../../../srv6/controller/v1/GetClusterRequest';
import type { GetPolicyRequest as _srv6_controller_v1_GetPolicyRequest, GetPolicyRequest__Output as _srv6_controller_v1_GetPolicyRequest__Output } from '../../../srv6/controller/v1/GetPolicyRequest';
import type { GetTopologyRequest as _srv6_controller_v1_GetTopologyRequest, GetTopologyRequest__Output as _srv6_controller_v1_GetTopologyRequest__Output } from '../../../srv6/controller/v1/GetTopologyRequest';
import type { ListFlowsRequest as _srv6_controller_v1_ListFlowsRequest, ListFlowsRequest__Output as _srv6_controller_v1_ListFlowsRequest__Output } from '../../../srv6/controller/v1/ListFlowsRequest';
import type { ListFlowsResponse as _srv6_controller_v1_ListFlowsResponse, ListFlowsResponse__Output as _srv6_controller_v1_ListFlowsResponse__Output } from '../../../srv6/controller/v1/ListFlowsResponse';
import type { ListPathsRequest as _srv6_controller_v1_ListPathsRequest, ListPathsRequest__Output as _srv6_controller_v1_ListPathsRequest__Output } from '../../../srv6/controller/v1/ListPathsRequest';
import type { ListPathsResponse as _srv6_controller_v1_ListPathsResponse, ListPathsResponse__Output as _srv6_controller_v1_ListPathsResponse__Output } from '../../../srv6/controller/v1/ListPathsResponse';
import type { ListRoutersRequest as _srv6_controller_v1_ListRoutersRequest, ListRoutersRequest__Output as _srv6_controller_v1_ListRoutersRequest__Output } from '../../../srv6/controller/v1/ListRoutersRequest';
import type { ListRoutersResponse as _srv6_controller_v1_ListRoutersResponse, ListRoutersResponse__Output as _srv6_controller_v1_ListRoutersResponse__Output } from '../../../srv6/controller/v1/ListRoutersResponse';
import type { Policy as _srv6_controller_v1_Policy, Policy__Output as _srv6_controller_v1_Policy__Output } from '../../../srv6/controller/v1/Policy';
import type { SetBackupRequest as _srv6_controller_v1_SetBackupRequest, SetBackupRequest__Output as _srv6_controller_v1_SetBackupRequest__Output } from '../../../srv6/controller/v1/SetBackupRequest';
import type { SetPathRequest as _srv6_controller_v1_SetPathRequest, SetPathRequest__Output as _srv6_controller_v1_SetPathRequest__Output } from '../../../srv6/controller/v1/SetPathRequest';
import type { SetPolicyRequest as _srv6_controller_v1_SetPolicyRequest, SetPolicyRequest__Output as _srv6_controller_v1_SetPolicyRequest__Output } from '../../../srv6/controller/v1/SetPolicyRequest';
import type { SwitchEvent as _srv6_controller_v1_SwitchEvent, SwitchEvent__Output as _srv6_controller_v1_SwitchEvent__Output } from '../../../srv6/controller/v1/SwitchEvent';
import type { Topology as _srv6_controller_v1_Topology, Topology__Output as _srv6_controller_v1_Topology__Output } from '../../../srv6/controller/v1/Topology';
import type { UtilizationSample as _srv6_controller_v1_UtilizationSample, UtilizationSample__Output as _srv6_controller_v1_UtilizationSample__Output } from '../../../srv6/controller/v1/UtilizationSample';
import type { WatchSwitchesRequest as _srv6_controller_v1_WatchSwitchesRequest, WatchSwitchesRequest__Output as _srv6_controller_v1_WatchSwitchesRequest__Output } from '../../../srv6/controller/v1/WatchSwitchesRequest';
import type { WatchUtilizationRequest as _srv6_controller_v1_WatchUtilizationRequest, WatchUtilizationRequest__Output as _srv6_controller_v1_WatchUtilizationRequest__Output } from '../../../srv6/controller/v1/WatchUtilizationRequest';

export interface ControllerClient extends grpc.Client {
  /**
   * What the policy would do right now, applying nothing.
   */
  Analyze(argument: _srv6_controller_v1_AnalyzeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_AnalyzeResponse__Output>): grpc.ClientUnaryCall;
  Analyze(argument: _srv6_controller_v1_AnalyzeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_AnalyzeResponse__Output>): grpc.ClientUnaryCall;
  Analyze(argument: _srv6_controller_v1_AnalyzeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_AnalyzeResponse__Output>): grpc.ClientUnaryCall;
  Analyze(argument: _srv6_controller_v1_AnalyzeRequest, callback: grpc.requestCallback<_srv6_controller_v1_AnalyzeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * What the policy would do right now, applying nothing.
   */
  analyze(argument: _srv6_controller_v1_AnalyzeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_AnalyzeResponse__Output>): grpc.ClientUnaryCall;
  analyze(argument: _srv6_controller_v1_AnalyzeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_AnalyzeResponse__Output>): grpc.ClientUnaryCall;
  analyze(argument: _srv6_controller_v1_AnalyzeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_AnalyzeResponse__Output>): grpc.ClientUnaryCall;
  analyze(argument: _srv6_controller_v1_AnalyzeRequest, callback: grpc.requestCallback<_srv6_controller_v1_AnalyzeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The controllers that share the network through etcd: who leads and since when, each one's view of the agents.
   */
  GetCluster(argument: _srv6_controller_v1_GetClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_ClusterStatus__Output>): grpc.ClientUnaryCall;
  GetCluster(argument: _srv6_controller_v1_GetClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_ClusterStatus__Output>): grpc.ClientUnaryCall;
  GetCluster(argument: _srv6_controller_v1_GetClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_ClusterStatus__Output>): grpc.ClientUnaryCall;
  GetCluster(argument: _srv6_controller_v1_GetClusterRequest, callback: grpc.requestCallback<_srv6_controller_v1_ClusterStatus__Output>): grpc.ClientUnaryCall;
  /**
   * The controllers that share the network through etcd: who leads and since when, each one's view of the agents.
   */
  getCluster(argument: _srv6_controller_v1_GetClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_ClusterStatus__Output>): grpc.ClientUnaryCall;
  getCluster(argument: _srv6_controller_v1_GetClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_ClusterStatus__Output>): grpc.ClientUnaryCall;
  getCluster(argument: _srv6_controller_v1_GetClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_ClusterStatus__Output>): grpc.ClientUnaryCall;
  getCluster(argument: _srv6_controller_v1_GetClusterRequest, callback: grpc.requestCallback<_srv6_controller_v1_ClusterStatus__Output>): grpc.ClientUnaryCall;
  
  GetPolicy(argument: _srv6_controller_v1_GetPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_Policy__Output>): grpc.ClientUnaryCall;
  GetPolicy(argument: _srv6_controller_v1_GetPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_Policy__Output>): grpc.ClientUnaryCall;
  GetPolicy(argument: _srv6_controller_v1_GetPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_Policy__Output>): grpc.ClientUnaryCall;
  GetPolicy(argument: _srv6_controller_v1_GetPolicyRequest, callback: grpc.requestCallback<_srv6_controller_v1_Policy__Output>): grpc.ClientUnaryCall;
  getPolicy(argument: _srv6_controller_v1_GetPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_Policy__Output>): grpc.ClientUnaryCall;
  getPolicy(argument: _srv6_controller_v1_GetPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_Policy__Output>): grpc.ClientUnaryCall;
  getPolicy(argument: _srv6_controller_v1_GetPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_Policy__Output>): grpc.ClientUnaryCall;
  getPolicy(argument: _srv6_controller_v1_GetPolicyRequest, callback: grpc.requestCallback<_srv6_controller_v1_Policy__Output>): grpc.ClientUnaryCall;
  
  /**
   * The topology the controller runs with, and each link's state.
   */
  GetTopology(argument: _srv6_controller_v1_GetTopologyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_Topology__Output>): grpc.ClientUnaryCall;
  GetTopology(argument: _srv6_controller_v1_GetTopologyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_Topology__Output>): grpc.ClientUnaryCall;
  GetTopology(argument: _srv6_controller_v1_GetTopologyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_Topology__Output>): grpc.ClientUnaryCall;
  GetTopology(argument: _srv6_controller_v1_GetTopologyRequest, callback: grpc.requestCallback<_srv6_controller_v1_Topology__Output>): grpc.ClientUnaryCall;
  /**
   * The topology the controller runs with, and each link's state.
   */
  getTopology(argument: _srv6_controller_v1_GetTopologyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_Topology__Output>): grpc.ClientUnaryCall;
  getTopology(argument: _srv6_controller_v1_GetTopologyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_Topology__Output>): grpc.ClientUnaryCall;
  getTopology(argument: _srv6_controller_v1_GetTopologyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_Topology__Output>): grpc.ClientUnaryCall;
  getTopology(argument: _srv6_controller_v1_GetTopologyRequest, callback: grpc.requestCallback<_srv6_controller_v1_Topology__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every flow class per direction: table, current path and segments, rate, mode.
   */
  ListFlows(argument: _srv6_controller_v1_ListFlowsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_ListFlowsResponse__Output>): grpc.ClientUnaryCall;
  ListFlows(argument: _srv6_controller_v1_ListFlowsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_ListFlowsResponse__Output>): grpc.ClientUnaryCall;
  ListFlows(argument: _srv6_controller_v1_ListFlowsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_ListFlowsResponse__Output>): grpc.ClientUnaryCall;
  ListFlows(argument: _srv6_controller_v1_ListFlowsRequest, callback: grpc.requestCallback<_srv6_controller_v1_ListFlowsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Every flow class per direction: table, current path and segments, rate, mode.
   */
  listFlows(argument: _srv6_controller_v1_ListFlowsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_ListFlowsResponse__Output>): grpc.ClientUnaryCall;
  listFlows(argument: _srv6_controller_v1_ListFlowsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_ListFlowsResponse__Output>): grpc.ClientUnaryCall;
  listFlows(argument: _srv6_controller_v1_ListFlowsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_ListFlowsResponse__Output>): grpc.ClientUnaryCall;
  listFlows(argument: _srv6_controller_v1_ListFlowsRequest, callback: grpc.requestCallback<_srv6_controller_v1_ListFlowsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Candidate paths per class and direction with their current cost (what `analyze` shows).
   */
  ListPaths(argument: _srv6_controller_v1_ListPathsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_ListPathsResponse__Output>): grpc.ClientUnaryCall;
  ListPaths(argument: _srv6_controller_v1_ListPathsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_ListPathsResponse__Output>): grpc.ClientUnaryCall;
  ListPaths(argument: _srv6_controller_v1_ListPathsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_ListPathsResponse__Output>): grpc.ClientUnaryCall;
  ListPaths(argument: _srv6_controller_v1_ListPathsRequest, callback: grpc.requestCallback<_srv6_controller_v1_ListPathsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Candidate paths per class and direction with their current cost (what `analyze` shows).
   */
  listPaths(argument: _srv6_controller_v1_ListPathsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_ListPathsResponse__Output>): grpc.ClientUnaryCall;
  listPaths(argument: _srv6_controller_v1_ListPathsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_ListPathsResponse__Output>): grpc.ClientUnaryCall;
  listPaths(argument: _srv6_controller_v1_ListPathsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_ListPathsResponse__Output>): grpc.ClientUnaryCall;
  listPaths(argument: _srv6_controller_v1_ListPathsRequest, callback: grpc.requestCallback<_srv6_controller_v1_ListPathsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every router's agent: connection state, telemetry age, agent start time.
   */
  ListRouters(argument: _srv6_controller_v1_ListRoutersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_ListRoutersResponse__Output>): grpc.ClientUnaryCall;
  ListRouters(argument: _srv6_controller_v1_ListRoutersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_ListRoutersResponse__Output>): grpc.ClientUnaryCall;
  ListRouters(argument: _srv6_controller_v1_ListRoutersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_ListRoutersResponse__Output>): grpc.ClientUnaryCall;
  ListRouters(argument: _srv6_controller_v1_ListRoutersRequest, callback: grpc.requestCallback<_srv6_controller_v1_ListRoutersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Every router's agent: connection state, telemetry age, agent start time.
   */
  listRouters(argument: _srv6_controller_v1_ListRoutersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_ListRoutersResponse__Output>): grpc.ClientUnaryCall;
  listRouters(argument: _srv6_controller_v1_ListRoutersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_ListRoutersResponse__Output>): grpc.ClientUnaryCall;
  listRouters(argument: _srv6_controller_v1_ListRoutersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_ListRoutersResponse__Output>): grpc.ClientUnaryCall;
  listRouters(argument: _srv6_controller_v1_ListRoutersRequest, callback: grpc.requestCallback<_srv6_controller_v1_ListRoutersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Choose a flow's backup path (fast reroute at its ingress); an empty path: chosen automatically again.
   */
  SetBackup(argument: _srv6_controller_v1_SetBackupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_Flow__Output>): grpc.ClientUnaryCall;
  SetBackup(argument: _srv6_controller_v1_SetBackupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_Flow__Output>): grpc.ClientUnaryCall;
  SetBackup(argument: _srv6_controller_v1_SetBackupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_Flow__Output>): grpc.ClientUnaryCall;
  SetBackup(argument: _srv6_controller_v1_SetBackupRequest, callback: grpc.requestCallback<_srv6_controller_v1_Flow__Output>): grpc.ClientUnaryCall;
  /**
   * Choose a flow's backup path (fast reroute at its ingress); an empty path: chosen automatically again.
   */
  setBackup(argument: _srv6_controller_v1_SetBackupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_Flow__Output>): grpc.ClientUnaryCall;
  setBackup(argument: _srv6_controller_v1_SetBackupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_Flow__Output>): grpc.ClientUnaryCall;
  setBackup(argument: _srv6_controller_v1_SetBackupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_Flow__Output>): grpc.ClientUnaryCall;
  setBackup(argument: _srv6_controller_v1_SetBackupRequest, callback: grpc.requestCallback<_srv6_controller_v1_Flow__Output>): grpc.ClientUnaryCall;
  
  /**
   * Pins a class in one direction to a path (mode becomes static); returns the switch with its timing.
   */
  SetPath(argument: _srv6_controller_v1_SetPathRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_SwitchEvent__Output>): grpc.ClientUnaryCall;
  SetPath(argument: _srv6_controller_v1_SetPathRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_SwitchEvent__Output>): grpc.ClientUnaryCall;
  SetPath(argument: _srv6_controller_v1_SetPathRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_SwitchEvent__Output>): grpc.ClientUnaryCall;
  SetPath(argument: _srv6_controller_v1_SetPathRequest, callback: grpc.requestCallback<_srv6_controller_v1_SwitchEvent__Output>): grpc.ClientUnaryCall;
  /**
   * Pins a class in one direction to a path (mode becomes static); returns the switch with its timing.
   */
  setPath(argument: _srv6_controller_v1_SetPathRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_SwitchEvent__Output>): grpc.ClientUnaryCall;
  setPath(argument: _srv6_controller_v1_SetPathRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_SwitchEvent__Output>): grpc.ClientUnaryCall;
  setPath(argument: _srv6_controller_v1_SetPathRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_SwitchEvent__Output>): grpc.ClientUnaryCall;
  setPath(argument: _srv6_controller_v1_SetPathRequest, callback: grpc.requestCallback<_srv6_controller_v1_SwitchEvent__Output>): grpc.ClientUnaryCall;
  
  /**
   * Changes the policy (mode, thresholds, hysteresis, hold-down, telemetry interval).
   */
  SetPolicy(argument: _srv6_controller_v1_SetPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_Policy__Output>): grpc.ClientUnaryCall;
  SetPolicy(argument: _srv6_controller_v1_SetPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_Policy__Output>): grpc.ClientUnaryCall;
  SetPolicy(argument: _srv6_controller_v1_SetPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_Policy__Output>): grpc.ClientUnaryCall;
  SetPolicy(argument: _srv6_controller_v1_SetPolicyRequest, callback: grpc.requestCallback<_srv6_controller_v1_Policy__Output>): grpc.ClientUnaryCall;
  /**
   * Changes the policy (mode, thresholds, hysteresis, hold-down, telemetry interval).
   */
  setPolicy(argument: _srv6_controller_v1_SetPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_Policy__Output>): grpc.ClientUnaryCall;
  setPolicy(argument: _srv6_controller_v1_SetPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_srv6_controller_v1_Policy__Output>): grpc.ClientUnaryCall;
  setPolicy(argument: _srv6_controller_v1_SetPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_srv6_controller_v1_Policy__Output>): grpc.ClientUnaryCall;
  setPolicy(argument: _srv6_controller_v1_SetPolicyRequest, callback: grpc.requestCallback<_srv6_controller_v1_Policy__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every switch as it happens (the last `replay` ones first).
   */
  WatchSwitches(argument: _srv6_controller_v1_WatchSwitchesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_srv6_controller_v1_SwitchEvent__Output>;
  WatchSwitches(argument: _srv6_controller_v1_WatchSwitchesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_srv6_controller_v1_SwitchEvent__Output>;
  /**
   * Every switch as it happens (the last `replay` ones first).
   */
  watchSwitches(argument: _srv6_controller_v1_WatchSwitchesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_srv6_controller_v1_SwitchEvent__Output>;
  watchSwitches(argument: _srv6_controller_v1_WatchSwitchesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_srv6_controller_v1_SwitchEvent__Output>;
  
  /**
   * Per-link, per-direction utilisation at every telemetry round.
   */
  WatchUtilization(argument: _srv6_controller_v1_WatchUtilizationRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_srv6_controller_v1_UtilizationSample__Output>;
  WatchUtilization(argument: _srv6_controller_v1_WatchUtilizationRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_srv6_controller_v1_UtilizationSample__Output>;
  /**
   * Per-link, per-direction utilisation at every telemetry round.
   */
  watchUtilization(argument: _srv6_controller_v1_WatchUtilizationRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_srv6_controller_v1_UtilizationSample__Output>;
  watchUtilization(argument: _srv6_controller_v1_WatchUtilizationRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_srv6_controller_v1_UtilizationSample__Output>;
  
}

export interface ControllerHandlers extends grpc.UntypedServiceImplementation {
  /**
   * What the policy would do right now, applying nothing.
   */
  Analyze: grpc.handleUnaryCall<_srv6_controller_v1_AnalyzeRequest__Output, _srv6_controller_v1_AnalyzeResponse>;
  
  /**
   * The controllers that share the network through etcd: who leads and since when, each one's view of the agents.
   */
  GetCluster: grpc.handleUnaryCall<_srv6_controller_v1_GetClusterRequest__Output, _srv6_controller_v1_ClusterStatus>;
  
  GetPolicy: grpc.handleUnaryCall<_srv6_controller_v1_GetPolicyRequest__Output, _srv6_controller_v1_Policy>;
  
  /**
   * The topology the controller runs with, and each link's state.
   */
  GetTopology: grpc.handleUnaryCall<_srv6_controller_v1_GetTopologyRequest__Output, _srv6_controller_v1_Topology>;
  
  /**
   * Every flow class per direction: table, current path and segments, rate, mode.
   */
  ListFlows: grpc.handleUnaryCall<_srv6_controller_v1_ListFlowsRequest__Output, _srv6_controller_v1_ListFlowsResponse>;
  
  /**
   * Candidate paths per class and direction with their current cost (what `analyze` shows).
   */
  ListPaths: grpc.handleUnaryCall<_srv6_controller_v1_ListPathsRequest__Output, _srv6_controller_v1_ListPathsResponse>;
  
  /**
   * Every router's agent: connection state, telemetry age, agent start time.
   */
  ListRouters: grpc.handleUnaryCall<_srv6_controller_v1_ListRoutersRequest__Output, _srv6_controller_v1_ListRoutersResponse>;
  
  /**
   * Choose a flow's backup path (fast reroute at its ingress); an empty path: chosen automatically again.
   */
  SetBackup: grpc.handleUnaryCall<_srv6_controller_v1_SetBackupRequest__Output, _srv6_controller_v1_Flow>;
  
  /**
   * Pins a class in one direction to a path (mode becomes static); returns the switch with its timing.
   */
  SetPath: grpc.handleUnaryCall<_srv6_controller_v1_SetPathRequest__Output, _srv6_controller_v1_SwitchEvent>;
  
  /**
   * Changes the policy (mode, thresholds, hysteresis, hold-down, telemetry interval).
   */
  SetPolicy: grpc.handleUnaryCall<_srv6_controller_v1_SetPolicyRequest__Output, _srv6_controller_v1_Policy>;
  
  /**
   * Every switch as it happens (the last `replay` ones first).
   */
  WatchSwitches: grpc.handleServerStreamingCall<_srv6_controller_v1_WatchSwitchesRequest__Output, _srv6_controller_v1_SwitchEvent>;
  
  /**
   * Per-link, per-direction utilisation at every telemetry round.
   */
  WatchUtilization: grpc.handleServerStreamingCall<_srv6_controller_v1_WatchUtilizationRequest__Output, _srv6_controller_v1_UtilizationSample>;
  
}

export interface ControllerDefinition extends grpc.ServiceDefinition {
  Analyze: MethodDefinition<_srv6_controller_v1_AnalyzeRequest, _srv6_controller_v1_AnalyzeResponse, _srv6_controller_v1_AnalyzeRequest__Output, _srv6_controller_v1_AnalyzeResponse__Output>
  GetCluster: MethodDefinition<_srv6_controller_v1_GetClusterRequest, _srv6_controller_v1_ClusterStatus, _srv6_controller_v1_GetClusterRequest__Output, _srv6_controller_v1_ClusterStatus__Output>
  GetPolicy: MethodDefinition<_srv6_controller_v1_GetPolicyRequest, _srv6_controller_v1_Policy, _srv6_controller_v1_GetPolicyRequest__Output, _srv6_controller_v1_Policy__Output>
  GetTopology: MethodDefinition<_srv6_controller_v1_GetTopologyRequest, _srv6_controller_v1_Topology, _srv6_controller_v1_GetTopologyRequest__Output, _srv6_controller_v1_Topology__Output>
  ListFlows: MethodDefinition<_srv6_controller_v1_ListFlowsRequest, _srv6_controller_v1_ListFlowsResponse, _srv6_controller_v1_ListFlowsRequest__Output, _srv6_controller_v1_ListFlowsResponse__Output>
  ListPaths: MethodDefinition<_srv6_controller_v1_ListPathsRequest, _srv6_controller_v1_ListPathsResponse, _srv6_controller_v1_ListPathsRequest__Output, _srv6_controller_v1_ListPathsResponse__Output>
  ListRouters: MethodDefinition<_srv6_controller_v1_ListRoutersRequest, _srv6_controller_v1_ListRoutersResponse, _srv6_controller_v1_ListRoutersRequest__Output, _srv6_controller_v1_ListRoutersResponse__Output>
  SetBackup: MethodDefinition<_srv6_controller_v1_SetBackupRequest, _srv6_controller_v1_Flow, _srv6_controller_v1_SetBackupRequest__Output, _srv6_controller_v1_Flow__Output>
  SetPath: MethodDefinition<_srv6_controller_v1_SetPathRequest, _srv6_controller_v1_SwitchEvent, _srv6_controller_v1_SetPathRequest__Output, _srv6_controller_v1_SwitchEvent__Output>
  SetPolicy: MethodDefinition<_srv6_controller_v1_SetPolicyRequest, _srv6_controller_v1_Policy, _srv6_controller_v1_SetPolicyRequest__Output, _srv6_controller_v1_Policy__Output>
  WatchSwitches: MethodDefinition<_srv6_controller_v1_WatchSwitchesRequest, _srv6_controller_v1_SwitchEvent, _srv6_controller_v1_WatchSwitchesRequest__Output, _srv6_controller_v1_SwitchEvent__Output>
  WatchUtilization: MethodDefinition<_srv6_controller_v1_WatchUtilizationRequest, _srv6_controller_v1_UtilizationSample, _srv6_controller_v1_WatchUtilizationRequest__Output, _srv6_controller_v1_UtilizationSample__Output>
}
