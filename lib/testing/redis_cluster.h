#ifndef PELITA_LIB_TESTING_REDIS_CLUSTER_H_
#define PELITA_LIB_TESTING_REDIS_CLUSTER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/redis/redis.h"
#include "lib/testing/subprocess.h"

namespace pelita::testing {

// A private Redis Cluster on loopback for one test: `masters` masters with
// `replicas` replicas each, every node on a free port in its own temp folder
// with the AOF on, created with `redis-cli --cluster create`.  Nodes fail
// over after cluster-node-timeout (1 s).  The destructor stops every node.
class RedisCluster {
 public:
  static absl::StatusOr<std::unique_ptr<RedisCluster>> Start(int masters, int replicas);
  ~RedisCluster();

  // Options for a cluster-mode client seeded with the first node.
  redis::Options options() const;
  // "cluster://127.0.0.1:<port>", for a service's --redis flag.
  std::string address() const;
  const std::vector<int>& ports() const { return ports_; }

  // The port of the master currently serving `key`'s slot.
  absl::StatusOr<int> MasterOf(const std::string& key) const;
  // SIGKILLs the node on `port`.
  absl::Status KillNode(int port);
  // Starts the node on `port` again with its data and cluster state; a
  // former master rejoins as a replica of the one that replaced it.
  absl::Status RestartNode(int port);
  // Waits until every slot is served again (cluster_state:ok on every live
  // node) and every live replica is in sync with its master.
  absl::Status WaitHealthy(absl::Duration timeout) const;

 private:
  RedisCluster() = default;
  std::string base_;
  std::vector<int> ports_;
  std::vector<std::unique_ptr<Subprocess>> nodes_;
  absl::Status Launch(size_t index);
};

}  // namespace pelita::testing

#endif  // PELITA_LIB_TESTING_REDIS_CLUSTER_H_
