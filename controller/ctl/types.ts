// The controller API's messages as srv6ctl, the dashboard and the benchmarks receive them: the
// types generated from proto/srv6/controller/v1/controller.proto (`npm run gen:proto`), output
// forms (every field present, uint64 as decimal strings, absent messages null).
export type { RouterStatus__Output as RouterStatus } from '../../proto/gen/srv6/controller/v1/RouterStatus.js';
export type { ClusterStatus__Output as ClusterStatus } from '../../proto/gen/srv6/controller/v1/ClusterStatus.js';
export type { LinkState__Output as LinkState } from '../../proto/gen/srv6/controller/v1/LinkState.js';
export type { Topology__Output as Topology } from '../../proto/gen/srv6/controller/v1/Topology.js';
export type { WeightedPath__Output as WeightedPath } from '../../proto/gen/srv6/controller/v1/WeightedPath.js';
export type { Flow__Output as Flow } from '../../proto/gen/srv6/controller/v1/Flow.js';
;
export type { PathSet__Output as PathSet } from '../../proto/gen/srv6/controller/v1/PathSet.js';
export type { PathProbe__Output as PathProbe } from '../../proto/gen/srv6/controller/v1/PathProbe.js';
;
export type { Policy__Output as Policy } from '../../proto/gen/srv6/controller/v1/Policy.js';
export type { Decision__Output as Decision } from '../../proto/gen/srv6/controller/v1/Decision.js';
;
;
export type { Optimum__Output as Optimum } from '../../proto/gen/srv6/controller/v1/Optimum.js';
;
export type { SwitchEvent__Output as SwitchEvent } from '../../proto/gen/srv6/controller/v1/SwitchEvent.js';
export type { LinkUtilization__Output as LinkUtilization } from '../../proto/gen/srv6/controller/v1/LinkUtilization.js';
export type { UtilizationSample__Output as UtilizationSample } from '../../proto/gen/srv6/controller/v1/UtilizationSample.js';
