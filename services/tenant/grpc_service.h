#ifndef PELITA_SERVICES_TENANT_GRPC_SERVICE_H_
#define PELITA_SERVICES_TENANT_GRPC_SERVICE_H_

#include "pelita/tenant/v1/tenant.grpc.pb.h"
#include "services/tenant/tenant.h"

namespace pelita::tenant {

// The gRPC face of TenantLogic: each method reads the caller (tenant
// optional: PlatformCallerFromContext) and delegates.
class TenantGrpcService final : public v1::TenantService::Service {
 public:
  explicit TenantGrpcService(TenantLogic* logic) : logic_(logic) {}

  grpc::Status CreateTenant(grpc::ServerContext* context, const v1::CreateTenantRequest* request,
                            v1::Tenant* response) override;
  grpc::Status GetTenant(grpc::ServerContext* context, const v1::GetTenantRequest* request,
                         v1::Tenant* response) override;
  grpc::Status ListTenants(grpc::ServerContext* context, const v1::ListTenantsRequest* request,
                           v1::ListTenantsResponse* response) override;
  grpc::Status UpdateTenant(grpc::ServerContext* context, const v1::UpdateTenantRequest* request,
                            v1::Tenant* response) override;

 private:
  TenantLogic* logic_;
};

}  // namespace pelita::tenant

#endif  // PELITA_SERVICES_TENANT_GRPC_SERVICE_H_
