#ifndef PELITA_LIB_TENANCY_TENANCY_H_
#define PELITA_LIB_TENANCY_TENANCY_H_

// Compatibility header: tenancy is four concepts, each its own small library
// (link the one you need, include its header):
//   tenant_code.h    ValidateTenant, ValidateProvince, ProvinceOf  (pelita_tenant_code)
//   caller.h         Caller and the metadata names                 (pelita_caller, no gRPC)
//   call_metadata.h  CallerFromContext, AttachCaller               (pelita_call_metadata, gRPC)
//   resource_name.h  ParseResourceName, ParseTenantResource        (pelita_resource_name)
//   key_builder.h    KeyBuilder, the {tenant} hash tag             (pelita_keys, header only)
// Existing code includes this header and links pelita_tenancy, which brings
// all of them.  New code includes what it uses.
#include "lib/tenancy/call_metadata.h"
#include "lib/tenancy/caller.h"
#include "lib/tenancy/key_builder.h"
#include "lib/tenancy/resource_name.h"
#include "lib/tenancy/tenant_code.h"

#endif  // PELITA_LIB_TENANCY_TENANCY_H_
