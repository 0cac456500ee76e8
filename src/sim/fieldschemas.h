#pragma once

#include "sim/resourcetypes.h"

#include <map>
#include <string>

namespace Curtain::Sim {

// The fields of a part of an object, as kube's typed decoding knows them (Kubernetes 1.32, and the
// few fields later versions add, so a newer manifest is not refused): each field and what is inside
// it, or null where the sim does not look further (a map such as labels; a probe, a volume or an
// affinity, whose many types are not spelled out here). For an array, the schema of each element.
struct FieldSchema
{
    std::map<std::string, const FieldSchema *> fields;
};

// The schema of `type`'s spec, for the kinds the demo's workloads are made of (Deployment,
// ReplicaSet, Pod, Service) and the Scale of their /scale; null for the others, whose spec is not
// looked into.
const FieldSchema *specSchema(const ResourceType &type);

// ObjectMeta's fields (a pod template's metadata too).
const FieldSchema &objectMetaSchema();

} // namespace Curtain::Sim
