import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ApplyRequest as _srv6_agent_v1_ApplyRequest, ApplyRequest__Output as _srv6_agent_v1_ApplyRequest__Output } from './srv6/agent/v1/ApplyRequest';
import type { ApplyResponse as _srv6_agent_v1_ApplyResponse, ApplyResponse__Output as _srv6_agent_v1_ApplyResponse__Output } from './srv6/agent/v1/ApplyResponse';
import type { CompactRoute as _srv6_agent_v1_CompactRoute, CompactRoute__Output as _srv6_agent_v1_CompactRoute__Output } from './srv6/agent/v1/CompactRoute';
import type { FastReroute as _srv6_agent_v1_FastReroute, FastReroute__Output as _srv6_agent_v1_FastReroute__Output } from './srv6/agent/v1/FastReroute';
import type { Fencing as _srv6_agent_v1_Fencing, Fencing__Output as _srv6_agent_v1_Fencing__Output } from './srv6/agent/v1/Fencing';
import type { Flavors as _srv6_agent_v1_Flavors, Flavors__Output as _srv6_agent_v1_Flavors__Output } from './srv6/agent/v1/Flavors';
import type { ForeignRoute as _srv6_agent_v1_ForeignRoute, ForeignRoute__Output as _srv6_agent_v1_ForeignRoute__Output } from './srv6/agent/v1/ForeignRoute';
import type { ForeignRule as _srv6_agent_v1_ForeignRule, ForeignRule__Output as _srv6_agent_v1_ForeignRule__Output } from './srv6/agent/v1/ForeignRule';
import type { ForeignSid as _srv6_agent_v1_ForeignSid, ForeignSid__Output as _srv6_agent_v1_ForeignSid__Output } from './srv6/agent/v1/ForeignSid';
import type { ForeignState as _srv6_agent_v1_ForeignState, ForeignState__Output as _srv6_agent_v1_ForeignState__Output } from './srv6/agent/v1/ForeignState';
import type { GetInfoRequest as _srv6_agent_v1_GetInfoRequest, GetInfoRequest__Output as _srv6_agent_v1_GetInfoRequest__Output } from './srv6/agent/v1/GetInfoRequest';
import type { GetProbesRequest as _srv6_agent_v1_GetProbesRequest, GetProbesRequest__Output as _srv6_agent_v1_GetProbesRequest__Output } from './srv6/agent/v1/GetProbesRequest';
import type { Interface as _srv6_agent_v1_Interface, Interface__Output as _srv6_agent_v1_Interface__Output } from './srv6/agent/v1/Interface';
import type { InterfaceCounters as _srv6_agent_v1_InterfaceCounters, InterfaceCounters__Output as _srv6_agent_v1_InterfaceCounters__Output } from './srv6/agent/v1/InterfaceCounters';
import type { KernelSupport as _srv6_agent_v1_KernelSupport, KernelSupport__Output as _srv6_agent_v1_KernelSupport__Output } from './srv6/agent/v1/KernelSupport';
import type { ListStateRequest as _srv6_agent_v1_ListStateRequest, ListStateRequest__Output as _srv6_agent_v1_ListStateRequest__Output } from './srv6/agent/v1/ListStateRequest';
import type { ListStateResponse as _srv6_agent_v1_ListStateResponse, ListStateResponse__Output as _srv6_agent_v1_ListStateResponse__Output } from './srv6/agent/v1/ListStateResponse';
import type { Nexthop as _srv6_agent_v1_Nexthop, Nexthop__Output as _srv6_agent_v1_Nexthop__Output } from './srv6/agent/v1/Nexthop';
import type { Op as _srv6_agent_v1_Op, Op__Output as _srv6_agent_v1_Op__Output } from './srv6/agent/v1/Op';
import type { OpResult as _srv6_agent_v1_OpResult, OpResult__Output as _srv6_agent_v1_OpResult__Output } from './srv6/agent/v1/OpResult';
import type { PortRange as _srv6_agent_v1_PortRange, PortRange__Output as _srv6_agent_v1_PortRange__Output } from './srv6/agent/v1/PortRange';
import type { ProbeConfig as _srv6_agent_v1_ProbeConfig, ProbeConfig__Output as _srv6_agent_v1_ProbeConfig__Output } from './srv6/agent/v1/ProbeConfig';
import type { ProbePath as _srv6_agent_v1_ProbePath, ProbePath__Output as _srv6_agent_v1_ProbePath__Output } from './srv6/agent/v1/ProbePath';
import type { ProbeStats as _srv6_agent_v1_ProbeStats, ProbeStats__Output as _srv6_agent_v1_ProbeStats__Output } from './srv6/agent/v1/ProbeStats';
import type { ProbeStatus as _srv6_agent_v1_ProbeStatus, ProbeStatus__Output as _srv6_agent_v1_ProbeStatus__Output } from './srv6/agent/v1/ProbeStatus';
import type { Protection as _srv6_agent_v1_Protection, Protection__Output as _srv6_agent_v1_Protection__Output } from './srv6/agent/v1/Protection';
import type { ProtectionStatus as _srv6_agent_v1_ProtectionStatus, ProtectionStatus__Output as _srv6_agent_v1_ProtectionStatus__Output } from './srv6/agent/v1/ProtectionStatus';
import type { Route as _srv6_agent_v1_Route, Route__Output as _srv6_agent_v1_Route__Output } from './srv6/agent/v1/Route';
import type { RouterAgentClient as _srv6_agent_v1_RouterAgentClient, RouterAgentDefinition as _srv6_agent_v1_RouterAgentDefinition } from './srv6/agent/v1/RouterAgent';
import type { RouterEvent as _srv6_agent_v1_RouterEvent, RouterEvent__Output as _srv6_agent_v1_RouterEvent__Output } from './srv6/agent/v1/RouterEvent';
import type { RouterInfo as _srv6_agent_v1_RouterInfo, RouterInfo__Output as _srv6_agent_v1_RouterInfo__Output } from './srv6/agent/v1/RouterInfo';
import type { RouterState as _srv6_agent_v1_RouterState, RouterState__Output as _srv6_agent_v1_RouterState__Output } from './srv6/agent/v1/RouterState';
import type { Rule as _srv6_agent_v1_Rule, Rule__Output as _srv6_agent_v1_Rule__Output } from './srv6/agent/v1/Rule';
import type { Seg6Encap as _srv6_agent_v1_Seg6Encap, Seg6Encap__Output as _srv6_agent_v1_Seg6Encap__Output } from './srv6/agent/v1/Seg6Encap';
import type { SetPathRequest as _srv6_agent_v1_SetPathRequest, SetPathRequest__Output as _srv6_agent_v1_SetPathRequest__Output } from './srv6/agent/v1/SetPathRequest';
import type { SetPathsReply as _srv6_agent_v1_SetPathsReply, SetPathsReply__Output as _srv6_agent_v1_SetPathsReply__Output } from './srv6/agent/v1/SetPathsReply';
import type { SetPathsRequest as _srv6_agent_v1_SetPathsRequest, SetPathsRequest__Output as _srv6_agent_v1_SetPathsRequest__Output } from './srv6/agent/v1/SetPathsRequest';
import type { Sid as _srv6_agent_v1_Sid, Sid__Output as _srv6_agent_v1_Sid__Output } from './srv6/agent/v1/Sid';
import type { SidCounters as _srv6_agent_v1_SidCounters, SidCounters__Output as _srv6_agent_v1_SidCounters__Output } from './srv6/agent/v1/SidCounters';
import type { SidSample as _srv6_agent_v1_SidSample, SidSample__Output as _srv6_agent_v1_SidSample__Output } from './srv6/agent/v1/SidSample';
import type { SyncRequest as _srv6_agent_v1_SyncRequest, SyncRequest__Output as _srv6_agent_v1_SyncRequest__Output } from './srv6/agent/v1/SyncRequest';
import type { SyncResponse as _srv6_agent_v1_SyncResponse, SyncResponse__Output as _srv6_agent_v1_SyncResponse__Output } from './srv6/agent/v1/SyncResponse';
import type { TelemetryRequest as _srv6_agent_v1_TelemetryRequest, TelemetryRequest__Output as _srv6_agent_v1_TelemetryRequest__Output } from './srv6/agent/v1/TelemetryRequest';
import type { TelemetrySample as _srv6_agent_v1_TelemetrySample, TelemetrySample__Output as _srv6_agent_v1_TelemetrySample__Output } from './srv6/agent/v1/TelemetrySample';
import type { WatchEventsRequest as _srv6_agent_v1_WatchEventsRequest, WatchEventsRequest__Output as _srv6_agent_v1_WatchEventsRequest__Output } from './srv6/agent/v1/WatchEventsRequest';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  srv6: {
    agent: {
      v1: {
        ApplyRequest: MessageTypeDefinition<_srv6_agent_v1_ApplyRequest, _srv6_agent_v1_ApplyRequest__Output>
        ApplyResponse: MessageTypeDefinition<_srv6_agent_v1_ApplyResponse, _srv6_agent_v1_ApplyResponse__Output>
        CompactRoute: MessageTypeDefinition<_srv6_agent_v1_CompactRoute, _srv6_agent_v1_CompactRoute__Output>
        FastReroute: MessageTypeDefinition<_srv6_agent_v1_FastReroute, _srv6_agent_v1_FastReroute__Output>
        Fencing: MessageTypeDefinition<_srv6_agent_v1_Fencing, _srv6_agent_v1_Fencing__Output>
        Flavors: MessageTypeDefinition<_srv6_agent_v1_Flavors, _srv6_agent_v1_Flavors__Output>
        ForeignRoute: MessageTypeDefinition<_srv6_agent_v1_ForeignRoute, _srv6_agent_v1_ForeignRoute__Output>
        ForeignRule: MessageTypeDefinition<_srv6_agent_v1_ForeignRule, _srv6_agent_v1_ForeignRule__Output>
        ForeignSid: MessageTypeDefinition<_srv6_agent_v1_ForeignSid, _srv6_agent_v1_ForeignSid__Output>
        ForeignState: MessageTypeDefinition<_srv6_agent_v1_ForeignState, _srv6_agent_v1_ForeignState__Output>
        GetInfoRequest: MessageTypeDefinition<_srv6_agent_v1_GetInfoRequest, _srv6_agent_v1_GetInfoRequest__Output>
        GetProbesRequest: MessageTypeDefinition<_srv6_agent_v1_GetProbesRequest, _srv6_agent_v1_GetProbesRequest__Output>
        Interface: MessageTypeDefinition<_srv6_agent_v1_Interface, _srv6_agent_v1_Interface__Output>
        InterfaceCounters: MessageTypeDefinition<_srv6_agent_v1_InterfaceCounters, _srv6_agent_v1_InterfaceCounters__Output>
        KernelSupport: MessageTypeDefinition<_srv6_agent_v1_KernelSupport, _srv6_agent_v1_KernelSupport__Output>
        ListStateRequest: MessageTypeDefinition<_srv6_agent_v1_ListStateRequest, _srv6_agent_v1_ListStateRequest__Output>
        ListStateResponse: MessageTypeDefinition<_srv6_agent_v1_ListStateResponse, _srv6_agent_v1_ListStateResponse__Output>
        Nexthop: MessageTypeDefinition<_srv6_agent_v1_Nexthop, _srv6_agent_v1_Nexthop__Output>
        Op: MessageTypeDefinition<_srv6_agent_v1_Op, _srv6_agent_v1_Op__Output>
        OpResult: MessageTypeDefinition<_srv6_agent_v1_OpResult, _srv6_agent_v1_OpResult__Output>
        PortRange: MessageTypeDefinition<_srv6_agent_v1_PortRange, _srv6_agent_v1_PortRange__Output>
        ProbeConfig: MessageTypeDefinition<_srv6_agent_v1_ProbeConfig, _srv6_agent_v1_ProbeConfig__Output>
        ProbePath: MessageTypeDefinition<_srv6_agent_v1_ProbePath, _srv6_agent_v1_ProbePath__Output>
        ProbeStats: MessageTypeDefinition<_srv6_agent_v1_ProbeStats, _srv6_agent_v1_ProbeStats__Output>
        ProbeStatus: MessageTypeDefinition<_srv6_agent_v1_ProbeStatus, _srv6_agent_v1_ProbeStatus__Output>
        Protection: MessageTypeDefinition<_srv6_agent_v1_Protection, _srv6_agent_v1_Protection__Output>
        ProtectionStatus: MessageTypeDefinition<_srv6_agent_v1_ProtectionStatus, _srv6_agent_v1_ProtectionStatus__Output>
        Route: MessageTypeDefinition<_srv6_agent_v1_Route, _srv6_agent_v1_Route__Output>
        RouterAgent: SubtypeConstructor<typeof grpc.Client, _srv6_agent_v1_RouterAgentClient> & { service: _srv6_agent_v1_RouterAgentDefinition }
        RouterEvent: MessageTypeDefinition<_srv6_agent_v1_RouterEvent, _srv6_agent_v1_RouterEvent__Output>
        RouterInfo: MessageTypeDefinition<_srv6_agent_v1_RouterInfo, _srv6_agent_v1_RouterInfo__Output>
        RouterState: MessageTypeDefinition<_srv6_agent_v1_RouterState, _srv6_agent_v1_RouterState__Output>
        Rule: MessageTypeDefinition<_srv6_agent_v1_Rule, _srv6_agent_v1_Rule__Output>
        Seg6Encap: MessageTypeDefinition<_srv6_agent_v1_Seg6Encap, _srv6_agent_v1_Seg6Encap__Output>
        SetPathRequest: MessageTypeDefinition<_srv6_agent_v1_SetPathRequest, _srv6_agent_v1_SetPathRequest__Output>
        SetPathsReply: MessageTypeDefinition<_srv6_agent_v1_SetPathsReply, _srv6_agent_v1_SetPathsReply__Output>
        SetPathsRequest: MessageTypeDefinition<_srv6_agent_v1_SetPathsRequest, _srv6_agent_v1_SetPathsRequest__Output>
        Sid: MessageTypeDefinition<_srv6_agent_v1_Sid, _srv6_agent_v1_Sid__Output>
        SidCounters: MessageTypeDefinition<_srv6_agent_v1_SidCounters, _srv6_agent_v1_SidCounters__Output>
        SidSample: MessageTypeDefinition<_srv6_agent_v1_SidSample, _srv6_agent_v1_SidSample__Output>
        SyncRequest: MessageTypeDefinition<_srv6_agent_v1_SyncRequest, _srv6_agent_v1_SyncRequest__Output>
        SyncResponse: MessageTypeDefinition<_srv6_agent_v1_SyncResponse, _srv6_agent_v1_SyncResponse__Output>
        TelemetryRequest: MessageTypeDefinition<_srv6_agent_v1_TelemetryRequest, _srv6_agent_v1_TelemetryRequest__Output>
        TelemetrySample: MessageTypeDefinition<_srv6_agent_v1_TelemetrySample, _srv6_agent_v1_TelemetrySample__Output>
        WatchEventsRequest: MessageTypeDefinition<_srv6_agent_v1_WatchEventsRequest, _srv6_agent_v1_WatchEventsRequest__Output>
      }
    }
  }
}

