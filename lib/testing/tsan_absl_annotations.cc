// ThreadSanitizer builds only (PELITA_TSAN; linked into every test there).
//
// Debian's Abseil is not built with -fsanitize=thread, so absl::Mutex,
// absl::CondVar and absl::Notification synchronise in code TSan cannot see:
// every field guarded by an absl::Mutex would be reported as a race.  Abseil
// itself, when built with TSan, tells TSan about each lock and unlock
// (ABSL_TSAN_MUTEX_* in mutex.cc); this file does the same from outside.  It
// defines the out-of-line members of those classes in the test binary, which
// the dynamic linker then prefers over the library's (also for the calls
// gRPC makes), announces each operation to TSan with its mutex annotation
// interface, and calls the library's own function, found with dlsym
// (RTLD_NEXT).  Nothing is changed in what the functions do; TSan merely
// learns the happens-before edges that the real mutex creates.
//
// Only calls from this tree's code (the test binary) are announced.  gRPC
// also locks absl::Mutex, but partly through Abseil's own helpers inside the
// library (ReleasableMutexLock::Release), which no definition here can
// replace; announcing only some of its locks would give TSan a false picture
// of those mutexes ("unlock of an unlocked mutex").  gRPC's locks stay as
// invisible as the rest of its synchronisation (docs/SECURITY.md, "Fuzzing and sanitizers").

#include <dlfcn.h>
#include <link.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

// The TSan runtime's dynamic annotations (not in its public header).
extern "C" void AnnotateIgnoreReadsBegin(const char* file, int line);
extern "C" void AnnotateIgnoreReadsEnd(const char* file, int line);
extern "C" void AnnotateIgnoreWritesBegin(const char* file, int line);
extern "C" void AnnotateIgnoreWritesEnd(const char* file, int line);

#define PELITA_STR2(x) #x
#define PELITA_STR(x) PELITA_STR2(x)

namespace {

// "_ZN4absl<n><inline namespace>" + suffix, e.g. "5Mutex4LockEv".
template <typename F>
F Real(const char* prefix, const char* suffix) {
  static const std::string ns = PELITA_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  std::string name = std::string(prefix) + "4absl" + std::to_string(ns.size()) + ns + suffix;
  void* f = dlsym(RTLD_NEXT, name.c_str());
  if (f == nullptr) {
    std::fprintf(stderr, "tsan_absl_annotations: %s not found in Abseil\n", name.c_str());
    std::abort();
  }
  return reinterpret_cast<F>(f);
}

// The address range of the test binary's own code.
struct Range {
  uintptr_t lo = ~uintptr_t{0}, hi = 0;
};

Range OwnCode() {
  Range r;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        auto* r = static_cast<Range*>(data);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const auto& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X)) continue;
          uintptr_t lo = info->dlpi_addr + ph.p_vaddr;
          r->lo = std::min(r->lo, lo);
          r->hi = std::max<uintptr_t>(r->hi, lo + ph.p_memsz);
        }
        return 1;  // the first object is the program itself
      },
      &r);
  return r;
}

// Whether the caller is our code, and not a call that Abseil makes to
// itself from inside one of the functions below (AwaitWithTimeout calls
// AwaitWithDeadline, sometimes as a tail call that keeps our return address).
thread_local bool t_inside = false;

bool FromUs(void* return_address) {
  static const Range r = OwnCode();
  auto a = reinterpret_cast<uintptr_t>(return_address);
  return !t_inside && a >= r.lo && a < r.hi;
}

void IgnoreBegin() {
  AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
  AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
}
void IgnoreEnd() {
  AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
  AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
}

// Set while a function below runs, announced or passed through: whatever
// the real function calls back into this file is Abseil's own call, even
// when it is a tail call that left our return address on the stack (the
// library's CondVar::WaitWithTimeout jumps to WaitWithDeadline; called by
// gRPC's timer thread, that second call looked like ours and announced a
// release of a mutex whose lock was never announced: "unlock of an
// unlocked mutex" in ServerMetricsTest and every test that starts gRPC).
struct Inside {
  Inside() : was_(t_inside) { t_inside = true; }
  ~Inside() { t_inside = was_; }
  const bool was_;
};

#define REAL(type, suffix) static const auto real = Real<type>("_ZN", suffix)
#define REAL_CONST(type, suffix) static const auto real = Real<type>("_ZNK", suffix)

void Acquired(void* mu, unsigned flags) { __tsan_mutex_post_lock(mu, flags, 0); }
void Releasing(void* mu, unsigned flags) {
  __tsan_mutex_pre_unlock(mu, flags);
  __tsan_mutex_post_unlock(mu, flags);
}

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

Mutex::~Mutex() {
  REAL(void (*)(Mutex*), "5MutexD2Ev");
  __tsan_mutex_destroy(this, 0);
  real(this);
}

void Mutex::Lock() {
  REAL(void (*)(Mutex*), "5Mutex4LockEv");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this);
  }
  Inside inside;
  __tsan_mutex_pre_lock(this, 0);
  real(this);
  Acquired(this, 0);
}

void Mutex::Unlock() {
  REAL(void (*)(Mutex*), "5Mutex6UnlockEv");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this);
  }
  Inside inside;
  __tsan_mutex_pre_unlock(this, 0);
  real(this);
  __tsan_mutex_post_unlock(this, 0);
}

bool Mutex::TryLock() {
  REAL(bool (*)(Mutex*), "5Mutex7TryLockEv");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this);
  }
  Inside inside;
  __tsan_mutex_pre_lock(this, __tsan_mutex_try_lock);
  bool ok = real(this);
  __tsan_mutex_post_lock(this, ok ? __tsan_mutex_try_lock : __tsan_mutex_try_lock_failed, 0);
  return ok;
}

void Mutex::ReaderLock() {
  REAL(void (*)(Mutex*), "5Mutex10ReaderLockEv");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this);
  }
  Inside inside;
  __tsan_mutex_pre_lock(this, __tsan_mutex_read_lock);
  real(this);
  Acquired(this, __tsan_mutex_read_lock);
}

void Mutex::ReaderUnlock() {
  REAL(void (*)(Mutex*), "5Mutex12ReaderUnlockEv");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this);
  }
  Inside inside;
  __tsan_mutex_pre_unlock(this, __tsan_mutex_read_lock);
  real(this);
  __tsan_mutex_post_unlock(this, __tsan_mutex_read_lock);
}

void Mutex::LockWhen(const Condition& cond) {
  REAL(void (*)(Mutex*, const Condition&), "5Mutex8LockWhenERKNS0_9ConditionE");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this, cond);
  }
  Inside inside;
  __tsan_mutex_pre_lock(this, 0);
  // Abseil evaluates the condition while it holds the mutex, out of
  // TSan's sight; those reads are not ours to judge.
  IgnoreBegin();
  real(this, cond);
  IgnoreEnd();
  Acquired(this, 0);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  REAL(void (*)(Mutex*, const Condition&), "5Mutex14ReaderLockWhenERKNS0_9ConditionE");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this, cond);
  }
  Inside inside;
  __tsan_mutex_pre_lock(this, __tsan_mutex_read_lock);
  // Abseil evaluates the condition while it holds the mutex, out of
  // TSan's sight; those reads are not ours to judge.
  IgnoreBegin();
  real(this, cond);
  IgnoreEnd();
  Acquired(this, __tsan_mutex_read_lock);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, absl::Duration timeout) {
  REAL(bool (*)(Mutex*, const Condition&, absl::Duration),
       "5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this, cond, timeout);
  }
  Inside inside;
  __tsan_mutex_pre_lock(this, 0);
  // Abseil evaluates the condition while it holds the mutex, out of
  // TSan's sight; those reads are not ours to judge.
  IgnoreBegin();
  bool r = real(this, cond, timeout);
  IgnoreEnd();
  Acquired(this, 0);
  return r;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  REAL(bool (*)(Mutex*, const Condition&, absl::Time), "5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this, cond, deadline);
  }
  Inside inside;
  __tsan_mutex_pre_lock(this, 0);
  // Abseil evaluates the condition while it holds the mutex, out of
  // TSan's sight; those reads are not ours to judge.
  IgnoreBegin();
  bool r = real(this, cond, deadline);
  IgnoreEnd();
  Acquired(this, 0);
  return r;
}

// Await releases the mutex while it waits and holds it again on return.
void Mutex::Await(const Condition& cond) {
  REAL(void (*)(Mutex*, const Condition&), "5Mutex5AwaitERKNS0_9ConditionE");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this, cond);
  }
  Inside inside;
  Releasing(this, 0);
  // Abseil evaluates the condition while it holds the mutex, out of
  // TSan's sight; those reads are not ours to judge.
  IgnoreBegin();
  real(this, cond);
  IgnoreEnd();
  __tsan_mutex_pre_lock(this, 0);
  Acquired(this, 0);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, absl::Duration timeout) {
  REAL(bool (*)(Mutex*, const Condition&, absl::Duration),
       "5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this, cond, timeout);
  }
  Inside inside;
  Releasing(this, 0);
  // Abseil evaluates the condition while it holds the mutex, out of
  // TSan's sight; those reads are not ours to judge.
  IgnoreBegin();
  bool r = real(this, cond, timeout);
  IgnoreEnd();
  __tsan_mutex_pre_lock(this, 0);
  Acquired(this, 0);
  return r;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, absl::Time deadline) {
  REAL(bool (*)(Mutex*, const Condition&, absl::Time), "5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this, cond, deadline);
  }
  Inside inside;
  Releasing(this, 0);
  // Abseil evaluates the condition while it holds the mutex, out of
  // TSan's sight; those reads are not ours to judge.
  IgnoreBegin();
  bool r = real(this, cond, deadline);
  IgnoreEnd();
  __tsan_mutex_pre_lock(this, 0);
  Acquired(this, 0);
  return r;
}

// A condition variable's wait releases the mutex and takes it again.
void CondVar::Wait(Mutex* mu) {
  REAL(void (*)(CondVar*, Mutex*), "7CondVar4WaitEPNS0_5MutexE");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this, mu);
  }
  Inside inside;
  Releasing(mu, 0);
  real(this, mu);
  __tsan_mutex_pre_lock(mu, 0);
  Acquired(mu, 0);
}

bool CondVar::WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
  REAL(bool (*)(CondVar*, Mutex*, absl::Duration), "7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this, mu, timeout);
  }
  Inside inside;
  Releasing(mu, 0);
  bool r = real(this, mu, timeout);
  __tsan_mutex_pre_lock(mu, 0);
  Acquired(mu, 0);
  return r;
}

bool CondVar::WaitWithDeadline(Mutex* mu, absl::Time deadline) {
  REAL(bool (*)(CondVar*, Mutex*, absl::Time), "7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this, mu, deadline);
  }
  Inside inside;
  Releasing(mu, 0);
  bool r = real(this, mu, deadline);
  __tsan_mutex_pre_lock(mu, 0);
  Acquired(mu, 0);
  return r;
}

// Notify happens before every wait that sees it.
void Notification::Notify() {
  REAL(void (*)(Notification*), "12Notification6NotifyEv");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this);
  }
  Inside inside;
  __tsan_release(this);
  real(this);
}

void Notification::WaitForNotification() const {
  REAL_CONST(void (*)(const Notification*), "12Notification19WaitForNotificationEv");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this);
  }
  Inside inside;
  real(this);
  __tsan_acquire(const_cast<Notification*>(this));
}

bool Notification::WaitForNotificationWithTimeout(absl::Duration timeout) const {
  REAL_CONST(bool (*)(const Notification*, absl::Duration),
             "12Notification30WaitForNotificationWithTimeoutENS0_8DurationE");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this, timeout);
  }
  Inside inside;
  bool r = real(this, timeout);
  if (r) __tsan_acquire(const_cast<Notification*>(this));
  return r;
}

bool Notification::WaitForNotificationWithDeadline(absl::Time deadline) const {
  REAL_CONST(bool (*)(const Notification*, absl::Time),
             "12Notification31WaitForNotificationWithDeadlineENS0_4TimeE");
  if (!FromUs(__builtin_return_address(0))) {
    Inside inside;  // what Abseil calls from here passes through too
    return real(this, deadline);
  }
  Inside inside;
  bool r = real(this, deadline);
  if (r) __tsan_acquire(const_cast<Notification*>(this));
  return r;
}

ABSL_NAMESPACE_END
}  // namespace absl
