#ifndef PELITA_SERVICES_TENANT_GRPC_SERVICE_H_
#define PELITA_SERVICES_TENANT_GRPC_SERVICE_H_

#include "pelita/tenant/v1/tenant.grpc.pb.h"
#include "services/tenant/tenant.h"

// Every unary RPC of TenantService as X(Method, Request, Response); the
// declarations below and the definitions in grpc_service.cc expand it.
#define PELITA_TENANT_UNARY_RPCS(X)                                \
  X(CreateTenant, v1::CreateTenantRequest, v1::Tenant)             \
  X(GetTenant, v1::GetTenantRequest, v1::Tenant)                   \
  X(ListTenants, v1::ListTenantsRequest, v1::ListTenantsResponse)  \
  X(UpdateTenant, v1::UpdateTenantRequest, v1::Tenant)

namespace pelita::tenant {

// The gRPC face of TenantLogic: each method reads the caller (tenant
// optional: PlatformCallerFromContext) and delegates.
class TenantGrpcService final : public v1::TenantService::Service {
 public:
  explicit TenantGrpcService(TenantLogic* logic) : logic_(logic) {}

#define PELITA_TENANT_DECLARE(Method, Request, Response) \
  grpc::Status Method(grpc::ServerContext* context, const Request* request, Response* response) override;
  PELITA_TENANT_UNARY_RPCS(PELITA_TENANT_DECLARE)
#undef PELITA_TENANT_DECLARE

 private:
  TenantLogic* logic_;
};

}  // namespace pelita::tenant

#endif  // PELITA_SERVICES_TENANT_GRPC_SERVICE_H_
