#ifndef PELITA_PROTOS_PROTO_REGISTRY_H_
#define PELITA_PROTOS_PROTO_REGISTRY_H_

#include <string>
#include <vector>

namespace pelita {

// The .proto files of every Pelita service linked into this binary (library
// pelita_protos), e.g. "pelita/enrolment/v1/enrolment.proto".  Calling it
// also guarantees that their descriptors are in the generated pool.
const std::vector<std::string>& LinkedProtoFiles();

}  // namespace pelita

#endif  // PELITA_PROTOS_PROTO_REGISTRY_H_
