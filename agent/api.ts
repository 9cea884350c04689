// The agent API's messages: the types generated from proto/srv6/agent/v1/agent.proto
// (`npm run gen:proto`, proto-loader's options: keepCase, defaults, longs and
// enums as strings, oneofs named). What a client sends: every field may be
// absent or null. What we reply: the __Output forms.
;
export type { CompactRoute as ApiCompactRoute } from '../proto/gen/srv6/agent/v1/CompactRoute.js';
export type { Nexthop as ApiNexthop } from '../proto/gen/srv6/agent/v1/Nexthop.js';
export type { Op as ApiOp } from '../proto/gen/srv6/agent/v1/Op.js';
;
export type { Route as ApiRoute } from '../proto/gen/srv6/agent/v1/Route.js';
export type { RouterState as ApiState } from '../proto/gen/srv6/agent/v1/RouterState.js';
export type { Rule as ApiRule } from '../proto/gen/srv6/agent/v1/Rule.js';
export type { Seg6Encap as ApiSeg6Encap } from '../proto/gen/srv6/agent/v1/Seg6Encap.js';
export type { SetPathRequest as ApiSetPath } from '../proto/gen/srv6/agent/v1/SetPathRequest.js';
export type { Sid as ApiSid } from '../proto/gen/srv6/agent/v1/Sid.js';
;
;
export type { ApplyResponse__Output as ApiApplyResponse } from '../proto/gen/srv6/agent/v1/ApplyResponse.js';
