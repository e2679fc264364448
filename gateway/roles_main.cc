// pelita-gateway-roles: prints docs/ROLES.md, generated from the gateway's
// role table (gateway/policy.cc).
#include <iostream>

#include "gateway/policy.h"

int main() {
  std::cout << pelita::gateway::RolesMarkdown();
  return 0;
}
