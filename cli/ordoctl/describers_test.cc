#include "cli/ordoctl/describers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/manifest/manifest.h"

namespace ordo::ctl {
namespace {

using ::testing::HasSubstr;

template <typename T>
T FromYaml(const std::string& yaml) {
  auto objects = manifest::Decode(yaml, "test");
  EXPECT_TRUE(objects.ok()) << objects.status();
  T out;
  out.CopyFrom(*(*objects)[0].message);
  return out;
}

TEST(DescribePodTest, PrintsKubectlsSectionsAligned) {
  auto pod = FromYaml<core::v1::Pod>(R"(
apiVersion: v1
kind: Pod
metadata:
  name: web-0
  namespace: default
  labels: {app: nginx, apps.kubernetes.io/pod-index: "0"}
  ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: web, uid: u1, controller: true}]
spec:
  nodeName: node-1
  containers:
  - name: nginx
    image: nginx:1.25
    ports: [{containerPort: 80, name: web}]
    volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
  volumes:
  - name: www
    persistentVolumeClaim: {claimName: www-web-0}
  tolerations:
  - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
status:
  phase: Running
  hostIP: 10.0.0.1
  podIP: 10.1.0.5
  podIPs: [{ip: 10.1.0.5}]
  startTime: "2026-12-01T10:00:00Z"
  qosClass: BestEffort
  conditions:
  - {type: Ready, status: "True"}
  - {type: PodScheduled, status: "True"}
  containerStatuses:
  - name: nginx
    ready: true
    restartCount: 2
    containerID: ordo://1234
    state: {running: {startedAt: "2026-12-01T10:00:01Z"}}
    lastState: {terminated: {exitCode: 137, reason: Error}}
)");
  std::string out = DescribePod(pod);
  EXPECT_THAT(out, HasSubstr("Name:             web-0\n"
                             "Namespace:        default\n"
                             "Priority:         0\n"
                             "Service Account:  default\n"
                             "Node:             node-1/10.0.0.1\n"
                             "Start Time:       Tue, 01 Dec 2026 10:00:00 +0000\n"
                             "Labels:           app=nginx\n"
                             "                  apps.kubernetes.io/pod-index=0\n"));
  EXPECT_THAT(out, HasSubstr("Status:           Running\n"));
  EXPECT_THAT(out, HasSubstr("IP:               10.1.0.5\n"));
  EXPECT_THAT(out, HasSubstr("IPs:\n"
                             "  IP:           10.1.0.5\n"
                             "Controlled By:  StatefulSet/web\n"));
  EXPECT_THAT(out, HasSubstr("Containers:\n"
                             "  nginx:\n"
                             "    Container ID:   ordo://1234\n"
                             "    Image:          nginx:1.25\n"
                             "    Port:           80/TCP\n"
                             "    Host Port:      0/TCP\n"
                             "    State:          Running\n"
                             "      Started:      Tue, 01 Dec 2026 10:00:01 +0000\n"
                             "    Last State:     Terminated\n"
                             "      Reason:       Error\n"
                             "      Exit Code:    137\n"
                             "    Ready:          True\n"
                             "    Restart Count:  2\n"
                             "    Environment:    <none>\n"
                             "    Mounts:\n"
                             "      /usr/share/nginx/html from www (rw)\n"));
  EXPECT_THAT(out, HasSubstr("Conditions:\n"
                             "  Type:          Status\n"
                             "  Ready:         True\n"
                             "  PodScheduled:  True\n"
                             "Volumes:\n"));
  EXPECT_THAT(out, HasSubstr("    ClaimName:   www-web-0\n"));
  EXPECT_THAT(out, HasSubstr("QoS Class:       BestEffort\n"
                             "Node-Selectors:  <none>\n"
                             "Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists "
                             "for 300s\n"));
}

TEST(DescribePodTest, APodNotStartedYetIsWaiting) {
  auto pod = FromYaml<core::v1::Pod>(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: "
      "i}]}\nstatus: {phase: Pending}\n");
  std::string out = DescribePod(pod);
  EXPECT_THAT(out, HasSubstr("Node:             <none>\n"));
  EXPECT_THAT(out, HasSubstr("    State:          Waiting\n"));
  EXPECT_THAT(out, HasSubstr("    Ready:          False\n"));
  EXPECT_THAT(out, HasSubstr("Conditions:         <none>\n"));
}

TEST(DescribeStatefulSetTest, PrintsReplicasStrategyPodsAndClaims) {
  auto set = FromYaml<apps::v1::StatefulSet>(R"(
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: default, creationTimestamp: "2026-12-01T10:00:00Z"}
spec:
  replicas: 3
  selector: {matchLabels: {app: nginx}}
  serviceName: nginx
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 1}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
status: {replicas: 3}
)");
  std::string out = DescribeStatefulSet(set, {.running = 2, .waiting = 1});
  EXPECT_THAT(out, HasSubstr("Selector:           app=nginx\n"));
  EXPECT_THAT(out, HasSubstr("Replicas:           3 desired | 3 total\n"
                             "Update Strategy:    RollingUpdate\n"
                             "  Partition:        1\n"
                             "Pods Status:        2 Running / 1 Waiting / 0 Succeeded / 0 Failed\n"
                             "Pod Template:\n"
                             "  Labels:  app=nginx\n"
                             "  Containers:\n"
                             "   nginx:\n"
                             "     Image:        nginx:1.25\n"
                             "     Environment:  <none>\n"
                             "     Mounts:\n"
                             "       /usr/share/nginx/html from www (rw)\n"
                             "  Volumes:  <none>\n"
                             "Volume Claims:\n"
                             "  Name:          www\n"
                             "  StorageClass:  \n"
                             "  Labels:        <none>\n"
                             "  Annotations:   <none>\n"
                             "  Capacity:      1Gi\n"
                             "  Access Modes:  [ReadWriteOnce]\n"));
}

}  // namespace
}  // namespace ordo::ctl
