#ifndef PELITA_GATEWAY_OPENAPI_H_
#define PELITA_GATEWAY_OPENAPI_H_

#include <string>

#include "gateway/routes.h"

namespace pelita::gateway {

// An OpenAPI 3.0 document for every route: paths from the templates
// (`/v1/{name=tenants/*/units/*}` becomes `/v1/tenants/{tenant}/units/{unit}`),
// parameters (path, and query for the request fields outside path and body),
// request bodies and responses with schemas generated from the message
// descriptors (proto3 JSON mapping), bearer JWT security, the error schema.
std::string BuildOpenApi(const RouteTable& table);

// `/v1/{name=tenants/*/units/*}` -> `/v1/tenants/{tenant}/units/{unit}`, and
// the parameter names in order.
std::string OpenApiPath(const PathTemplate& t, std::vector<std::string>* params);

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_OPENAPI_H_
