#include "services/tenant/grpc_service.h"

#include "lib/server/adapter.h"

namespace pelita::tenant {

grpc::Status TenantGrpcService::CreateTenant(grpc::ServerContext* context, const v1::CreateTenantRequest* request,
                                             v1::Tenant* response) {
  return HandlePlatformUnary(context, response,
                             [&](const Caller& caller) { return logic_->CreateTenant(caller, *request); });
}

grpc::Status TenantGrpcService::GetTenant(grpc::ServerContext* context, const v1::GetTenantRequest* request,
                                          v1::Tenant* response) {
  return HandlePlatformUnary(context, response,
                             [&](const Caller& caller) { return logic_->GetTenant(caller, *request); });
}

grpc::Status TenantGrpcService::ListTenants(grpc::ServerContext* context, const v1::ListTenantsRequest* request,
                                            v1::ListTenantsResponse* response) {
  return HandlePlatformUnary(context, response,
                             [&](const Caller& caller) { return logic_->ListTenants(caller, *request); });
}

grpc::Status TenantGrpcService::UpdateTenant(grpc::ServerContext* context, const v1::UpdateTenantRequest* request,
                                             v1::Tenant* response) {
  return HandlePlatformUnary(context, response,
                             [&](const Caller& caller) { return logic_->UpdateTenant(caller, *request); });
}

}  // namespace pelita::tenant
