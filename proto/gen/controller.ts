import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AgentView as _srv6_controller_v1_AgentView, AgentView__Output as _srv6_controller_v1_AgentView__Output } from './srv6/controller/v1/AgentView';
import type { AnalyzeRequest as _srv6_controller_v1_AnalyzeRequest, AnalyzeRequest__Output as _srv6_controller_v1_AnalyzeRequest__Output } from './srv6/controller/v1/AnalyzeRequest';
import type { AnalyzeResponse as _srv6_controller_v1_AnalyzeResponse, AnalyzeResponse__Output as _srv6_controller_v1_AnalyzeResponse__Output } from './srv6/controller/v1/AnalyzeResponse';
import type { CandidatePath as _srv6_controller_v1_CandidatePath, CandidatePath__Output as _srv6_controller_v1_CandidatePath__Output } from './srv6/controller/v1/CandidatePath';
import type { ClusterMember as _srv6_controller_v1_ClusterMember, ClusterMember__Output as _srv6_controller_v1_ClusterMember__Output } from './srv6/controller/v1/ClusterMember';
import type { ClusterStatus as _srv6_controller_v1_ClusterStatus, ClusterStatus__Output as _srv6_controller_v1_ClusterStatus__Output } from './srv6/controller/v1/ClusterStatus';
import type { ControllerClient as _srv6_controller_v1_ControllerClient, ControllerDefinition as _srv6_controller_v1_ControllerDefinition } from './srv6/controller/v1/Controller';
import type { Decision as _srv6_controller_v1_Decision, Decision__Output as _srv6_controller_v1_Decision__Output } from './srv6/controller/v1/Decision';
import type { Flow as _srv6_controller_v1_Flow, Flow__Output as _srv6_controller_v1_Flow__Output } from './srv6/controller/v1/Flow';
import type { FlowPolicy as _srv6_controller_v1_FlowPolicy, FlowPolicy__Output as _srv6_controller_v1_FlowPolicy__Output } from './srv6/controller/v1/FlowPolicy';
import type { GetClusterRequest as _srv6_controller_v1_GetClusterRequest, GetClusterRequest__Output as _srv6_controller_v1_GetClusterRequest__Output } from './srv6/controller/v1/GetClusterRequest';
import type { GetPolicyRequest as _srv6_controller_v1_GetPolicyRequest, GetPolicyRequest__Output as _srv6_controller_v1_GetPolicyRequest__Output } from './srv6/controller/v1/GetPolicyRequest';
import type { GetTopologyRequest as _srv6_controller_v1_GetTopologyRequest, GetTopologyRequest__Output as _srv6_controller_v1_GetTopologyRequest__Output } from './srv6/controller/v1/GetTopologyRequest';
import type { LinkState as _srv6_controller_v1_LinkState, LinkState__Output as _srv6_controller_v1_LinkState__Output } from './srv6/controller/v1/LinkState';
import type { LinkUtilization as _srv6_controller_v1_LinkUtilization, LinkUtilization__Output as _srv6_controller_v1_LinkUtilization__Output } from './srv6/controller/v1/LinkUtilization';
import type { ListFlowsRequest as _srv6_controller_v1_ListFlowsRequest, ListFlowsRequest__Output as _srv6_controller_v1_ListFlowsRequest__Output } from './srv6/controller/v1/ListFlowsRequest';
import type { ListFlowsResponse as _srv6_controller_v1_ListFlowsResponse, ListFlowsResponse__Output as _srv6_controller_v1_ListFlowsResponse__Output } from './srv6/controller/v1/ListFlowsResponse';
import type { ListPathsRequest as _srv6_controller_v1_ListPathsRequest, ListPathsRequest__Output as _srv6_controller_v1_ListPathsRequest__Output } from './srv6/controller/v1/ListPathsRequest';
import type { ListPathsResponse as _srv6_controller_v1_ListPathsResponse, ListPathsResponse__Output as _srv6_controller_v1_ListPathsResponse__Output } from './srv6/controller/v1/ListPathsResponse';
import type { ListRoutersRequest as _srv6_controller_v1_ListRoutersRequest, ListRoutersRequest__Output as _srv6_controller_v1_ListRoutersRequest__Output } from './srv6/controller/v1/ListRoutersRequest';
import type { ListRoutersResponse as _srv6_controller_v1_ListRoutersResponse, ListRoutersResponse__Output as _srv6_controller_v1_ListRoutersResponse__Output } from './srv6/controller/v1/ListRoutersResponse';
import type { Optimum as _srv6_controller_v1_Optimum, Optimum__Output as _srv6_controller_v1_Optimum__Output } from './srv6/controller/v1/Optimum';
import type { OptimumPath as _srv6_controller_v1_OptimumPath, OptimumPath__Output as _srv6_controller_v1_OptimumPath__Output } from './srv6/controller/v1/OptimumPath';
import type { PathProbe as _srv6_controller_v1_PathProbe, PathProbe__Output as _srv6_controller_v1_PathProbe__Output } from './srv6/controller/v1/PathProbe';
import type { PathSet as _srv6_controller_v1_PathSet, PathSet__Output as _srv6_controller_v1_PathSet__Output } from './srv6/controller/v1/PathSet';
import type { Policy as _srv6_controller_v1_Policy, Policy__Output as _srv6_controller_v1_Policy__Output } from './srv6/controller/v1/Policy';
import type { RoundObjective as _srv6_controller_v1_RoundObjective, RoundObjective__Output as _srv6_controller_v1_RoundObjective__Output } from './srv6/controller/v1/RoundObjective';
import type { RouterStatus as _srv6_controller_v1_RouterStatus, RouterStatus__Output as _srv6_controller_v1_RouterStatus__Output } from './srv6/controller/v1/RouterStatus';
import type { SetBackupRequest as _srv6_controller_v1_SetBackupRequest, SetBackupRequest__Output as _srv6_controller_v1_SetBackupRequest__Output } from './srv6/controller/v1/SetBackupRequest';
import type { SetPathRequest as _srv6_controller_v1_SetPathRequest, SetPathRequest__Output as _srv6_controller_v1_SetPathRequest__Output } from './srv6/controller/v1/SetPathRequest';
import type { SetPolicyRequest as _srv6_controller_v1_SetPolicyRequest, SetPolicyRequest__Output as _srv6_controller_v1_SetPolicyRequest__Output } from './srv6/controller/v1/SetPolicyRequest';
import type { SwitchEvent as _srv6_controller_v1_SwitchEvent, SwitchEvent__Output as _srv6_controller_v1_SwitchEvent__Output } from './srv6/controller/v1/SwitchEvent';
import type { SwitchTiming as _srv6_controller_v1_SwitchTiming, SwitchTiming__Output as _srv6_controller_v1_SwitchTiming__Output } from './srv6/controller/v1/SwitchTiming';
import type { Topology as _srv6_controller_v1_Topology, Topology__Output as _srv6_controller_v1_Topology__Output } from './srv6/controller/v1/Topology';
import type { UtilizationSample as _srv6_controller_v1_UtilizationSample, UtilizationSample__Output as _srv6_controller_v1_UtilizationSample__Output } from './srv6/controller/v1/UtilizationSample';
import type { WatchSwitchesRequest as _srv6_controller_v1_WatchSwitchesRequest, WatchSwitchesRequest__Output as _srv6_controller_v1_WatchSwitchesRequest__Output } from './srv6/controller/v1/WatchSwitchesRequest';
import type { WatchUtilizationRequest as _srv6_controller_v1_WatchUtilizationRequest, WatchUtilizationRequest__Output as _srv6_controller_v1_WatchUtilizationRequest__Output } from './srv6/controller/v1/WatchUtilizationRequest';
import type { WeightedPath as _srv6_controller_v1_WeightedPath, WeightedPath__Output as _srv6_controller_v1_WeightedPath__Output } from './srv6/controller/v1/WeightedPath';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  srv6: {
    controller: {
      v1: {
        AgentView: MessageTypeDefinition<_srv6_controller_v1_AgentView, _srv6_controller_v1_AgentView__Output>
        AnalyzeRequest: MessageTypeDefinition<_srv6_controller_v1_AnalyzeRequest, _srv6_controller_v1_AnalyzeRequest__Output>
        AnalyzeResponse: MessageTypeDefinition<_srv6_controller_v1_AnalyzeResponse, _srv6_controller_v1_AnalyzeResponse__Output>
        CandidatePath: MessageTypeDefinition<_srv6_controller_v1_CandidatePath, _srv6_controller_v1_CandidatePath__Output>
        ClusterMember: MessageTypeDefinition<_srv6_controller_v1_ClusterMember, _srv6_controller_v1_ClusterMember__Output>
        ClusterStatus: MessageTypeDefinition<_srv6_controller_v1_ClusterStatus, _srv6_controller_v1_ClusterStatus__Output>
        Controller: SubtypeConstructor<typeof grpc.Client, _srv6_controller_v1_ControllerClient> & { service: _srv6_controller_v1_ControllerDefinition }
        Decision: MessageTypeDefinition<_srv6_controller_v1_Decision, _srv6_controller_v1_Decision__Output>
        Flow: MessageTypeDefinition<_srv6_controller_v1_Flow, _srv6_controller_v1_Flow__Output>
        FlowPolicy: MessageTypeDefinition<_srv6_controller_v1_FlowPolicy, _srv6_controller_v1_FlowPolicy__Output>
        GetClusterRequest: MessageTypeDefinition<_srv6_controller_v1_GetClusterRequest, _srv6_controller_v1_GetClusterRequest__Output>
        GetPolicyRequest: MessageTypeDefinition<_srv6_controller_v1_GetPolicyRequest, _srv6_controller_v1_GetPolicyRequest__Output>
        GetTopologyRequest: MessageTypeDefinition<_srv6_controller_v1_GetTopologyRequest, _srv6_controller_v1_GetTopologyRequest__Output>
        LinkState: MessageTypeDefinition<_srv6_controller_v1_LinkState, _srv6_controller_v1_LinkState__Output>
        LinkUtilization: MessageTypeDefinition<_srv6_controller_v1_LinkUtilization, _srv6_controller_v1_LinkUtilization__Output>
        ListFlowsRequest: MessageTypeDefinition<_srv6_controller_v1_ListFlowsRequest, _srv6_controller_v1_ListFlowsRequest__Output>
        ListFlowsResponse: MessageTypeDefinition<_srv6_controller_v1_ListFlowsResponse, _srv6_controller_v1_ListFlowsResponse__Output>
        ListPathsRequest: MessageTypeDefinition<_srv6_controller_v1_ListPathsRequest, _srv6_controller_v1_ListPathsRequest__Output>
        ListPathsResponse: MessageTypeDefinition<_srv6_controller_v1_ListPathsResponse, _srv6_controller_v1_ListPathsResponse__Output>
        ListRoutersRequest: MessageTypeDefinition<_srv6_controller_v1_ListRoutersRequest, _srv6_controller_v1_ListRoutersRequest__Output>
        ListRoutersResponse: MessageTypeDefinition<_srv6_controller_v1_ListRoutersResponse, _srv6_controller_v1_ListRoutersResponse__Output>
        Optimum: MessageTypeDefinition<_srv6_controller_v1_Optimum, _srv6_controller_v1_Optimum__Output>
        OptimumPath: MessageTypeDefinition<_srv6_controller_v1_OptimumPath, _srv6_controller_v1_OptimumPath__Output>
        PathProbe: MessageTypeDefinition<_srv6_controller_v1_PathProbe, _srv6_controller_v1_PathProbe__Output>
        PathSet: MessageTypeDefinition<_srv6_controller_v1_PathSet, _srv6_controller_v1_PathSet__Output>
        Policy: MessageTypeDefinition<_srv6_controller_v1_Policy, _srv6_controller_v1_Policy__Output>
        RoundObjective: MessageTypeDefinition<_srv6_controller_v1_RoundObjective, _srv6_controller_v1_RoundObjective__Output>
        RouterStatus: MessageTypeDefinition<_srv6_controller_v1_RouterStatus, _srv6_controller_v1_RouterStatus__Output>
        SetBackupRequest: MessageTypeDefinition<_srv6_controller_v1_SetBackupRequest, _srv6_controller_v1_SetBackupRequest__Output>
        SetPathRequest: MessageTypeDefinition<_srv6_controller_v1_SetPathRequest, _srv6_controller_v1_SetPathRequest__Output>
        SetPolicyRequest: MessageTypeDefinition<_srv6_controller_v1_SetPolicyRequest, _srv6_controller_v1_SetPolicyRequest__Output>
        SwitchEvent: MessageTypeDefinition<_srv6_controller_v1_SwitchEvent, _srv6_controller_v1_SwitchEvent__Output>
        SwitchTiming: MessageTypeDefinition<_srv6_controller_v1_SwitchTiming, _srv6_controller_v1_SwitchTiming__Output>
        Topology: MessageTypeDefinition<_srv6_controller_v1_Topology, _srv6_controller_v1_Topology__Output>
        UtilizationSample: MessageTypeDefinition<_srv6_controller_v1_UtilizationSample, _srv6_controller_v1_UtilizationSample__Output>
        WatchSwitchesRequest: MessageTypeDefinition<_srv6_controller_v1_WatchSwitchesRequest, _srv6_controller_v1_WatchSwitchesRequest__Output>
        WatchUtilizationRequest: MessageTypeDefinition<_srv6_controller_v1_WatchUtilizationRequest, _srv6_controller_v1_WatchUtilizationRequest__Output>
        WeightedPath: MessageTypeDefinition<_srv6_controller_v1_WeightedPath, _srv6_controller_v1_WeightedPath__Output>
      }
    }
  }
}

