// The ClusterRoles and ClusterRoleBindings every cluster starts with, as
// kube-apiserver's bootstrap policy: cluster-admin for system:masters, the
// user-facing admin, edit and view, and one role per component bound to the
// identity its certificate carries (security/pki.h):
//   system:kube-scheduler           user system:kube-scheduler
//   system:kube-controller-manager  user system:kube-controller-manager
//   system:node                     bound to no one: node agents are
//                                   authorized by the Node authorizer
//                                   (node_authorizer.h), as in Kubernetes
//   system:ordo-dns                 user system:ordo-dns
//   system:basic-user               group system:authenticated (may ask
//                                   SelfSubjectAccessReviews)
// Each carries the label kubernetes.io/bootstrapping=rbac-defaults. The
// api-server creates those missing at start and leaves existing ones alone,
// so an administrator's edits stay. Pure; safe from any thread.
#pragma once

#include "services/api-server/authorization/rbac_policy.h"

namespace ordo::authorization {

RbacObjects BootstrapPolicy();

}  // namespace ordo::authorization
