// The StatefulSet controller's event handlers, end to end: an informer event
// goes to the handler, the handler queues the set's key, and one
// ProcessNextKey syncs it (client-go's fakeWorker). Sync itself is covered by
// stateful_set_controller_test.cc.
#include "services/controller-manager/statefulset/stateful_set_test_fixture.h"

namespace ordo::statefulset {
namespace {

using ::testing::ElementsAre;

class StatefulSetHandlersTest : public StatefulSetControllerTest {
 protected:
  std::shared_ptr<const core::v1::Pod> Pod(const std::string& name) {
    return std::make_shared<const core::v1::Pod>(cluster_.GetPod(name));
  }
  // One worker step: takes the next key and syncs it.
  std::vector<std::string> ProcessNextKey() {
    EXPECT_TRUE(controller::ProcessNextKey(controller_));
    return cluster_.TakeActions();
  }
};

TEST_F(StatefulSetHandlersTest, AnAddedSetIsQueuedAndOneStepCreatesItsFirstPod) {
  auto set = std::make_shared<const apps::v1::StatefulSet>(Put(WebSet(2)));
  controller_.SetHandler().on_add(set);
  EXPECT_EQ(controller_.queue().Len(), 1);
  EXPECT_THAT(ProcessNextKey(),
              ElementsAre("create revision 1", "create pvc www-web-0", "create pod web-0"));
  EXPECT_EQ(controller_.queue().Len(), 0);
}

TEST_F(StatefulSetHandlersTest, APodTurningReadyQueuesItsSetOnceAndTheNextPodFollows) {
  auto set = std::make_shared<const apps::v1::StatefulSet>(Put(WebSet(2)));
  controller_.SetHandler().on_add(set);
  ProcessNextKey();
  auto pending = Pod("web-0");
  cluster_.SetReady("web-0");
  auto ready = Pod("web-0");
  // The same change heard twice (a relist) queues the set once.
  controller_.PodHandler().on_update(pending, ready);
  controller_.PodHandler().on_update(pending, ready);
  EXPECT_EQ(controller_.queue().Len(), 1);
  EXPECT_THAT(ProcessNextKey(), ElementsAre("create pvc www-web-1", "create pod web-1"));
}

TEST_F(StatefulSetHandlersTest, AnUpdateThatChangesNothingQueuesNothing) {
  auto set = std::make_shared<const apps::v1::StatefulSet>(Put(WebSet(1)));
  controller_.SetHandler().on_add(set);
  ProcessNextKey();
  auto pod = Pod("web-0");
  controller_.PodHandler().on_update(pod, pod);  // a resync: same resourceVersion
  EXPECT_EQ(controller_.queue().Len(), 0);
}

TEST_F(StatefulSetHandlersTest, ADeletedPodQueuesItsSetWhichRecreatesIt) {
  Put(WebSet(1));
  Converge();
  auto pod = Pod("web-0");
  cluster_.UserDeletePod("web-0");
  cluster_.FinishTerminating();
  controller_.PodHandler().on_delete(pod);
  EXPECT_EQ(controller_.queue().Len(), 1);
  EXPECT_THAT(ProcessNextKey(), ElementsAre("create pod web-0"));
}

}  // namespace
}  // namespace ordo::statefulset
