// Every .proto of ordo's, registered in protobuf's generated descriptor pool.
//
// A file's descriptor enters the pool when its .pb.cc is linked in, and the
// linker takes a .pb.o out of the static ordo::proto library only when
// something references it. Nothing references a services.proto's messages
// (it has none), so without this call a server's reflection lists
// ordo.core.v1.Pods but cannot describe it, and grpcurl cannot call it.
// Thread-safe; idempotent.
#pragma once

namespace ordo::proto {

// Registers every file compiled into ordo::proto (ordo's kinds and services,
// grpc.health.v1, google.rpc). Call before serving reflection.
void RegisterAllProtoFiles();

}  // namespace ordo::proto
