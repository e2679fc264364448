#include "lib/testing/redis_cluster.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pelita::testing {
namespace {

// A cluster node also listens on its port + 10000 (the cluster bus), so the
// port must leave room for that and both must be free.  Both stay below the
// kernel's ephemeral range (32768+), where another test's outgoing
// connection could take the port between this check and the node's bind,
// and apart from tests/k8s/redis_cluster_test.sh's range (10000-13999).
absl::StatusOr<int> FreeClusterPort(std::mt19937& rng) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int port = 14000 + static_cast<int>(rng() % 6000);
    if (PortIsFree(port) && PortIsFree(port + 10000)) return port;
  }
  return absl::UnavailableError("no free port pair for a cluster node");
}

redis::Options NodeOptions(int port) {
  redis::Options o;
  o.port = port;
  o.connect_timeout = absl::Milliseconds(200);
  o.command_timeout = absl::Seconds(2);
  o.min_backoff = absl::ZeroDuration();
  o.max_backoff = absl::ZeroDuration();
  return o;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisCluster>> RedisCluster::Start(int masters, int replicas) {
  auto base = MakeTempDir("pelita-cluster");
  if (!base.ok()) return base.status();
  std::unique_ptr<RedisCluster> c(new RedisCluster);
  c->base_ = *base;
  const int n = masters * (1 + replicas);
  std::mt19937 rng(std::random_device{}());
  for (int i = 0; i < n; ++i) {
    auto port = FreeClusterPort(rng);
    if (!port.ok()) return port.status();
    mkdir(absl::StrCat(c->base_, "/", *port).c_str(), 0755);
    c->ports_.push_back(*port);
    c->nodes_.push_back(std::make_unique<Subprocess>());
    if (absl::Status s = c->Launch(c->nodes_.size() - 1); !s.ok()) return s;
  }
  for (int port : c->ports_) {
    redis::Client probe(NodeOptions(port));
    if (!WaitFor([&] { return probe.Ping().ok(); }, absl::Seconds(15))) {
      return absl::UnavailableError(absl::StrCat("cluster node ", port, " did not start"));
    }
  }
  std::vector<std::string> create = {"redis-cli", "--cluster", "create"};
  for (int port : c->ports_) create.push_back(absl::StrCat("127.0.0.1:", port));
  create.push_back("--cluster-replicas");
  create.push_back(absl::StrCat(replicas));
  create.push_back("--cluster-yes");
  Subprocess cli;
  if (absl::Status s = cli.Start(create, c->base_ + "/create.log"); !s.ok()) return s;
  // redis-cli exits by itself; Stop(0) only waits for it (signal 0 is none).
  auto exit = cli.Stop(0, absl::Seconds(60));
  if (!exit.ok() || !WIFEXITED(*exit) || WEXITSTATUS(*exit) != 0) {
    return absl::UnavailableError(absl::StrCat("redis-cli --cluster create failed; see ",
                                               c->base_, "/create.log"));
  }
  if (absl::Status s = c->WaitHealthy(absl::Seconds(30)); !s.ok()) return s;
  return c;
}

absl::Status RedisCluster::Launch(size_t i) {
  const std::string dir = absl::StrCat(base_, "/", ports_[i]);
  return nodes_[i]->Start(
      {"redis-server", "--port", absl::StrCat(ports_[i]), "--bind", "127.0.0.1", "--dir", dir,
       "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
       "--cluster-node-timeout", "1000", "--appendonly", "yes", "--appendfsync", "always",
       "--save", "", "--daemonize", "no"},
      dir + "/redis.log");
}

absl::Status RedisCluster::RestartNode(int port) {
  for (size_t i = 0; i < ports_.size(); ++i) {
    if (ports_[i] != port) continue;
    if (nodes_[i]->running()) return absl::FailedPreconditionError("node is running");
    if (absl::Status s = Launch(i); !s.ok()) return s;
    redis::Client probe(NodeOptions(port));
    if (!WaitFor([&] { return probe.Ping().ok(); }, absl::Seconds(15))) {
      return absl::UnavailableError(absl::StrCat("node ", port, " did not come back"));
    }
    return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat("no node on port ", port));
}

RedisCluster::~RedisCluster() {
  for (auto& node : nodes_) {
    if (node->running()) (void)node->Stop(SIGKILL);
  }
  RemoveTree(base_);
}

redis::Options RedisCluster::options() const {
  redis::Options o = NodeOptions(ports_.front());
  o.cluster = true;
  o.command_timeout = absl::Seconds(5);
  o.min_backoff = absl::Milliseconds(5);
  o.max_backoff = absl::Milliseconds(100);
  return o;
}

std::string RedisCluster::address() const {
  return absl::StrCat("cluster://127.0.0.1:", ports_.front());
}

absl::StatusOr<int> RedisCluster::MasterOf(const std::string& key) const {
  const int slot = redis::KeySlot(key);
  for (size_t i = 0; i < ports_.size(); ++i) {
    if (!nodes_[i]->running()) continue;
    redis::Client node(NodeOptions(ports_[i]));
    auto r = node.Run({"CLUSTER", "SLOTS"});
    if (!r.ok() || !r->is_array()) continue;
    for (const auto& range : r->elements) {
      if (range.elements[0].integer <= slot && slot <= range.elements[1].integer) {
        return static_cast<int>(range.elements[2].elements[1].integer);
      }
    }
  }
  return absl::UnavailableError("no live node knows the slot");
}

absl::Status RedisCluster::KillNode(int port) {
  for (size_t i = 0; i < ports_.size(); ++i) {
    if (ports_[i] == port) {
      auto r = nodes_[i]->Stop(SIGKILL);
      return r.ok() ? absl::OkStatus() : r.status();
    }
  }
  return absl::NotFoundError(absl::StrCat("no node on port ", port));
}

absl::Status RedisCluster::WaitHealthy(absl::Duration timeout) const {
  bool ok = WaitFor(
      [&] {
        for (size_t i = 0; i < ports_.size(); ++i) {
          if (!nodes_[i]->running()) continue;
          redis::Client node(NodeOptions(ports_[i]));
          auto r = node.Run({"CLUSTER", "INFO"});
          if (!r.ok() || !absl::StrContains(r->str, "cluster_state:ok")) return false;
          // A replica must have finished its sync, or a failover could lose
          // writes that WAIT reported as replicated.
          auto repl = node.Run({"INFO", "replication"});
          if (!repl.ok()) return false;
          if (absl::StrContains(repl->str, "role:slave") &&
              !absl::StrContains(repl->str, "master_link_status:up")) {
            return false;
          }
        }
        return true;
      },
      timeout, absl::Milliseconds(50));
  return ok ? absl::OkStatus() : absl::DeadlineExceededError("cluster did not become healthy");
}

}  // namespace pelita::testing
