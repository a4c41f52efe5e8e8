// Incidents and unit statuses as the replication feed carries them (siaga.proto), both ways.
#pragma once

#include <siaga.pb.h>

#include "siaga/tracking/incident.h"
#include "siaga/tracking/store.h"

namespace siaga::server {

v1::IncidentReplica to_replica(const tracking::Incident& incident);
// Throws InputError for a status, call type or class this build does not know.
tracking::Incident from_replica(const v1::IncidentReplica& replica);

v1::UnitReplica to_replica(const tracking::StatusReport& change);
tracking::StatusReport from_replica(const v1::UnitReplica& replica);

}  // namespace siaga::server
