// The Kubernetes docs' web StatefulSet (examples/web.yaml) driven from Go over
// ordo's gRPC API: create it and its Service, wait until every replica is Ready,
// scale to 5 and back, read a validation error's field details, delete. run.sh
// generates the stubs from proto/ and runs it; see proto/README.md.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"sigs.k8s.io/yaml"

	appsv1 "ordo.io/api/apps/v1"
	corev1 "ordo.io/api/core/v1"
	metav1 "ordo.io/api/meta/v1"
)

// connect dials ORDO_SERVER as the kubeconfig's user (mutual TLS).
func connect() *grpc.ClientConn {
	var config struct {
		Clusters []struct{ Cluster map[string]string } `json:"clusters"`
		Users    []struct{ User map[string]string }    `json:"users"`
	}
	raw := must(os.ReadFile(os.Getenv("KUBECONFIG")))
	check(yaml.Unmarshal(raw, &config))
	decode := func(s string) []byte { b, _ := base64.StdEncoding.DecodeString(s); return b }
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(decode(config.Clusters[0].Cluster["certificate-authority-data"]))
	user := config.Users[0].User
	pair := must(tls.X509KeyPair(decode(user["client-certificate-data"]), decode(user["client-key-data"])))
	creds := credentials.NewTLS(&tls.Config{RootCAs: roots, Certificates: []tls.Certificate{pair}})
	// ordo's message limit, not gRPC's 4 MB default (proto/README.md, "Limits").
	return must(grpc.NewClient(os.Getenv("ORDO_SERVER"), grpc.WithTransportCredentials(creds),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20))))
}

// waitForReady watches until `replicas` are Ready, as a reflector does: list, watch from
// the list's revision, resume from the last event if the stream breaks, relist if too old.
func waitForReady(sets appsv1.StatefulSetsClient, name string, replicas int32) {
	selector := &metav1.ListOptions{Namespace: "default", FieldSelector: "metadata.name=" + name}
	revision := ""
	for {
		if revision == "" {
			list := must(sets.List(ctx, selector))
			for _, s := range list.Items {
				if s.Status.GetReadyReplicas() == replicas {
					return
				}
			}
			revision = list.Metadata.ResourceVersion
		}
		watchCtx, cancel := context.WithCancel(ctx)
		stream, err := sets.Watch(watchCtx, &metav1.ListOptions{Namespace: "default",
			FieldSelector: selector.FieldSelector, ResourceVersion: revision, AllowWatchBookmarks: true})
		for err == nil {
			var event *appsv1.StatefulSetWatchEvent
			if event, err = stream.Recv(); err == nil {
				revision = event.Object.Metadata.ResourceVersion
				if event.Type != "BOOKMARK" && event.Object.Status.GetReadyReplicas() == replicas {
					cancel()
					return
				}
			}
		}
		cancel()
		if status.Code(err) == codes.OutOfRange {
			revision = "" // too old: list again
		} else if status.Code(err) != codes.Unavailable {
			log.Fatalf("watch: %v", err)
		}
	}
}

// ctx bounds every call of the run; a real client sets one per call.
var ctx, cancel = context.WithTimeout(context.Background(), 4*time.Minute)

func main() {
	defer cancel()
	conn := connect()
	sets := appsv1.NewStatefulSetsClient(conn)
	services := corev1.NewServicesClient(conn)

	raw := must(os.ReadFile(os.Args[1])) // examples/web.yaml
	docs := strings.Split(string(raw), "\n---\n")
	service, web := &corev1.Service{}, &appsv1.StatefulSet{}
	fromYAML(docs[0], service)
	fromYAML(docs[1], web)
	must(services.Create(ctx, service))
	fmt.Printf("created statefulset uid %s\n", must(sets.Create(ctx, web)).Metadata.Uid)
	for _, replicas := range []int32{3, 5, 3} { // as created, then scaled to 5 and back
		current := must(sets.GetScale(ctx, &metav1.GetRequest{Namespace: "default", Name: "web"}))
		current.Spec.Replicas = replicas
		// No resourceVersion precondition, as kubectl scale sends none: the
		// controller's status writes between the read and the write must not
		// make it a conflict.
		current.Metadata.ResourceVersion = ""
		must(sets.UpdateScale(ctx, current))
		waitForReady(sets, "web", replicas)
		fmt.Printf("%d replicas: all Ready\n", replicas)
	}
	web.Metadata.Name, web.Spec.Replicas = "web2", proto.Int32(-1)
	_, err := sets.Create(ctx, web)
	if status.Code(err) != codes.InvalidArgument {
		log.Fatalf("replicas -1: want InvalidArgument, got %v", err)
	}
	var fields []string // google.rpc.BadRequest's field violations
	for _, detail := range status.Convert(err).Details() {
		bad, _ := detail.(*errdetails.BadRequest)
		for _, v := range bad.GetFieldViolations() {
			fields = append(fields, v.Field)
		}
	}
	fmt.Printf("refused, %v: %v\n", status.Code(err), fields)
	if len(fields) != 1 || fields[0] != "spec.replicas" {
		log.Fatalf("expected one violation naming spec.replicas, got %v", fields)
	}
	must(sets.Delete(ctx, &metav1.DeleteRequest{Namespace: "default", Name: "web"}))
	must(services.Delete(ctx, &metav1.DeleteRequest{Namespace: "default", Name: "nginx"}))
	fmt.Println("deleted")
}

// fromYAML decodes a manifest: its JSON form is the message's (protobuf's JSON mapping).
func fromYAML(doc string, m proto.Message) {
	json := must(yaml.YAMLToJSON([]byte(doc)))
	check(protojson.Unmarshal(json, m))
}

func must[T any](v T, err error) T {
	check(err)
	return v
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
