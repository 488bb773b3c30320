#include "services/controller-manager/controller.h"

#include <thread>
#include <vector>

#include "spdlog/spdlog.h"

namespace ordo::controller {

bool ProcessNextKey(Controller& controller) {
  std::string key;
  if (!controller.queue().Get(&key)) return false;
  absl::Status s = controller.Sync(key);
  if (s.ok()) {
    controller.queue().Forget(key);
  } else {
    spdlog::warn("{}: sync {}: {} (retrying)", controller.Name(), key, std::string(s.message()));
    controller.queue().AddRateLimited(key);
  }
  controller.queue().Done(key);
  return true;
}

void RunWorkers(Controller& controller, int workers, std::stop_token stop) {
  controller.queue().SetName(controller.Name());  // its workqueue_* series
  std::vector<std::jthread> threads;
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back([&controller] {
      while (ProcessNextKey(controller)) {
      }
    });
  }
  std::stop_callback shut_down(stop, [&controller] { controller.queue().ShutDown(); });
  threads.clear();  // joins: the workers end once the queue has shut down
}

}  // namespace ordo::controller
