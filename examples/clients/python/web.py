#!/usr/bin/python3
"""The Kubernetes docs' web StatefulSet, driven from Python over ordo's gRPC API.

Creates examples/web.yaml's Service and StatefulSet, waits until every replica
is Ready, scales to 5 and back to 3, reads a validation error's field details,
and deletes both. Needs Debian's python3-grpcio, python3-protobuf and
python3-yaml, and stubs generated from proto/ (the build puts them in
build/examples/clients/python; see proto/README.md):

  KUBECONFIG=.ordo/kubeconfig ORDO_SERVER=127.0.0.1:6443 \
    PYTHONPATH=build/examples/clients/python python3 examples/clients/python/web.py
"""
import base64
import os
import sys

import grpc
import yaml
from google.protobuf import json_format

from google.rpc import error_details_pb2, status_pb2
from ordo.apps.v1 import apps_pb2, services_pb2_grpc as apps_grpc
from ordo.core.v1 import core_pb2, services_pb2_grpc as core_grpc
from ordo.meta.v1 import meta_pb2

HERE = os.path.dirname(os.path.abspath(__file__))
WEB_YAML = os.path.join(HERE, "..", "..", "web.yaml")


def connect():
    """A channel to ORDO_SERVER as the kubeconfig's user (mutual TLS)."""
    with open(os.environ["KUBECONFIG"]) as f:
        config = yaml.safe_load(f)
    cluster = config["clusters"][0]["cluster"]
    user = config["users"][0]["user"]
    credentials = grpc.ssl_channel_credentials(
        root_certificates=base64.b64decode(cluster["certificate-authority-data"]),
        private_key=base64.b64decode(user["client-key-data"]),
        certificate_chain=base64.b64decode(user["client-certificate-data"]))
    # ordo's limit, not gRPC's 4 MB default (proto/README.md, "Limits").
    options = [("grpc.max_receive_message_length", 64 << 20)]
    return grpc.secure_channel(os.environ["ORDO_SERVER"], credentials, options)


def wait_for_ready(sets, name, replicas):
    """Watches the StatefulSet until `replicas` are Ready, as a reflector does:
    list for a revision, watch from it, resume from the last event on a broken
    stream, list again when the server says the revision is too old."""
    selector = meta_pb2.ListOptions(namespace="default", field_selector="metadata.name=" + name)
    revision = ""
    while True:
        if not revision:
            listed = sets.List(selector, timeout=10)
            if any(s.status.ready_replicas == replicas for s in listed.items):
                return
            revision = listed.metadata.resource_version
        options = meta_pb2.ListOptions()
        options.CopyFrom(selector)
        options.resource_version = revision
        options.allow_watch_bookmarks = True
        try:
            for event in sets.Watch(options, timeout=120):
                revision = event.object.metadata.resource_version
                if event.type != "BOOKMARK" and event.object.status.ready_replicas == replicas:
                    return
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.OUT_OF_RANGE:
                revision = ""  # too old: list again
            elif e.code() != grpc.StatusCode.UNAVAILABLE:
                raise


def scale(sets, name, replicas):
    """The scale subresource, as `kubectl scale` uses it."""
    current = sets.GetScale(meta_pb2.GetRequest(namespace="default", name=name), timeout=10)
    current.spec.replicas = replicas
    # No resourceVersion precondition, as kubectl scale sends none: the
    # controller's status writes between the read and the write must not
    # make it a conflict.
    current.metadata.resource_version = ""
    sets.UpdateScale(current, timeout=10)
    wait_for_ready(sets, name, replicas)
    print(f"scaled to {replicas}: all Ready")


def field_violations(error):
    """The google.rpc.BadRequest fields of an INVALID_ARGUMENT error."""
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                bad_request = error_details_pb2.BadRequest()
                if detail.Unpack(bad_request):
                    return [(v.field, v.description) for v in bad_request.field_violations]
    return []


def main():
    channel = connect()
    sets = apps_grpc.StatefulSetsStub(channel)
    services = core_grpc.ServicesStub(channel)
    with open(WEB_YAML) as f:
        service_doc, set_doc = yaml.safe_load_all(f)
    # The manifest's JSON form is the message's (protobuf's JSON mapping).
    service = json_format.ParseDict(service_doc, core_pb2.Service())
    web = json_format.ParseDict(set_doc, apps_pb2.StatefulSet())

    services.Create(service, timeout=10)
    created = sets.Create(web, timeout=10)
    print(f"created statefulset {created.metadata.name} uid {created.metadata.uid}")
    wait_for_ready(sets, "web", 3)
    print("3 replicas Ready")
    scale(sets, "web", 5)
    scale(sets, "web", 3)

    bad = apps_pb2.StatefulSet()
    bad.CopyFrom(web)
    bad.metadata.name = "web2"
    bad.spec.replicas = -1
    try:
        sets.Create(bad, timeout=10)
        sys.exit("a StatefulSet with replicas -1 was accepted")
    except grpc.RpcError as e:
        violations = field_violations(e)
        print(f"refused, {e.code().name}: {violations}")
        if e.code() != grpc.StatusCode.INVALID_ARGUMENT or ("spec.replicas",) != tuple(
                field for field, _ in violations):
            sys.exit("expected one violation naming spec.replicas")

    sets.Delete(meta_pb2.DeleteRequest(namespace="default", name="web"), timeout=10)
    services.Delete(meta_pb2.DeleteRequest(namespace="default", name="nginx"), timeout=10)
    print("deleted")


if __name__ == "__main__":
    main()
