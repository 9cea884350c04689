#!/usr/bin/python3
"""A grpcurl-like client that shares nothing with our gRPC stack: Debian's
python3-grpcio and python3-protobuf (its C++ descriptor pool) only.

Everything it knows of a server comes from server reflection: the file
descriptors a server sends for a service are built into a DescriptorPool,
which validates them as protoc's own descriptor builder does (map entries,
type references, imports, proto3 optional...): a server whose descriptors
protoc would refuse is refused here too, with the pool's words.

  reflect.py [-plaintext | -cacert CA -cert CERT -key KEY] [-authority NAME] [-unix] ADDRESS list [SERVICE]
  reflect.py ... ADDRESS describe [SYMBOL]            # no SYMBOL: every listed service
  reflect.py ... [-d JSON] [-max-msgs N] [-max-time S] ADDRESS SERVICE/METHOD

ADDRESS is host:port or unix:/path (or a path with -unix). Responses are
printed as JSON, one message after the other, as grpcurl does (with the
.proto's field names: grpcurl's -keep-proto-names). -max-msgs is ours: a
server stream ends after N messages.
"""
import argparse
import functools
import json
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

# --- the reflection protocol's own messages (grpc/reflection/v1/reflection.proto), built by hand:
# Debian ships no grpcio-reflection, and these few fields are all a client needs.
T_INT32, T_STRING, T_MESSAGE, T_BYTES = 5, 9, 11, 12
OPTIONAL, REPEATED = 1, 3


@functools.lru_cache(maxsize=None)
def _reflection_classes(package):
    f = descriptor_pb2.FileDescriptorProto(name=f"{package.replace('.', '/')}/reflection.proto", package=package, syntax="proto3")

    def message(name, *fields, oneof=None):
        m = f.message_type.add(name=name)
        if oneof:
            m.oneof_decl.add(name=oneof)
        for fname, number, ftype, label, type_name, in_oneof in fields:
            fd = m.field.add(name=fname, number=number, type=ftype, label=label)
            if type_name:
                fd.type_name = f".{package}.{type_name}"
            if in_oneof:
                fd.oneof_index = 0

    message("ExtensionRequest", ("containing_type", 1, T_STRING, OPTIONAL, None, False), ("extension_number", 2, T_INT32, OPTIONAL, None, False))
    message("ServerReflectionRequest",
            ("host", 1, T_STRING, OPTIONAL, None, False),
            ("file_by_filename", 3, T_STRING, OPTIONAL, None, True),
            ("file_containing_symbol", 4, T_STRING, OPTIONAL, None, True),
            ("file_containing_extension", 5, T_MESSAGE, OPTIONAL, "ExtensionRequest", True),
            ("all_extension_numbers_of_type", 6, T_STRING, OPTIONAL, None, True),
            ("list_services", 7, T_STRING, OPTIONAL, None, True), oneof="message_request")
    message("FileDescriptorResponse", ("file_descriptor_proto", 1, T_BYTES, REPEATED, None, False))
    message("ServiceResponse", ("name", 1, T_STRING, OPTIONAL, None, False))
    message("ListServiceResponse", ("service", 1, T_MESSAGE, REPEATED, "ServiceResponse", False))
    message("ErrorResponse", ("error_code", 1, T_INT32, OPTIONAL, None, False), ("error_message", 2, T_STRING, OPTIONAL, None, False))
    message("ServerReflectionResponse",
            ("valid_host", 1, T_STRING, OPTIONAL, None, False),
            ("original_request", 2, T_MESSAGE, OPTIONAL, "ServerReflectionRequest", False),
            ("file_descriptor_response", 4, T_MESSAGE, OPTIONAL, "FileDescriptorResponse", True),
            ("list_services_response", 6, T_MESSAGE, OPTIONAL, "ListServiceResponse", True),
            ("error_response", 7, T_MESSAGE, OPTIONAL, "ErrorResponse", True), oneof="message_response")
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(f.SerializeToString())
    return message_class(pool.FindMessageTypeByName(f"{package}.ServerReflectionRequest")), \
        message_class(pool.FindMessageTypeByName(f"{package}.ServerReflectionResponse"))


def message_class(desc):
    """The message class of a descriptor (GetMessageClass from protobuf 4.22, GetPrototype before)."""
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(desc)
    return message_factory.MessageFactory(desc.file.pool).GetPrototype(desc)


class Fail(Exception):
    pass


class Reflection:
    """One ServerReflectionInfo stream per request, v1 first, v1alpha when the server has only that (as grpcurl)."""

    def __init__(self, channel, timeout):
        self.channel, self.timeout = channel, timeout
        self.package = "grpc.reflection.v1"
        self.pool = descriptor_pool.DescriptorPool()  # the validating step: protoc's rules
        self.files = {}  # name -> FileDescriptorProto received

    def ask(self, **request):
        for package in ([self.package, "grpc.reflection.v1alpha"] if self.package == "grpc.reflection.v1" else [self.package]):
            req_cls, res_cls = _reflection_classes(package)
            call = self.channel.stream_stream(f"/{package}.ServerReflection/ServerReflectionInfo",
                                              request_serializer=lambda m: m.SerializeToString(), response_deserializer=res_cls.FromString)
            try:
                res = next(iter(call(iter([req_cls(**request)]), timeout=self.timeout)))
            except grpc.RpcError as e:
                if e.code() == grpc.StatusCode.UNIMPLEMENTED and package == "grpc.reflection.v1":
                    continue
                raise
            self.package = package
            if res.WhichOneof("message_response") == "error_response":
                raise Fail(f"reflection: {res.error_response.error_message} (code {res.error_response.error_code})")
            return res
        raise Fail("the server has no reflection service")

    def services(self):
        return [s.name for s in self.ask(list_services="*").list_services_response.service]

    def load(self, **request):
        """Fetches the files of a request and their imports, and builds them into the pool (dependencies first)."""
        pending = {}
        for raw in self.ask(**request).file_descriptor_response.file_descriptor_proto:
            fd = descriptor_pb2.FileDescriptorProto.FromString(raw)
            pending.setdefault(fd.name, fd)
        while True:
            missing = {d for fd in pending.values() for d in fd.dependency if d not in pending and d not in self.files}
            if not missing:
                break
            for name in missing:
                for raw in self.ask(file_by_filename=name).file_descriptor_response.file_descriptor_proto:
                    fd = descriptor_pb2.FileDescriptorProto.FromString(raw)
                    pending.setdefault(fd.name, fd)

        def build(name, chain=()):
            if name in self.files:
                return
            if name in chain:
                raise Fail(f"import cycle: {' -> '.join(chain + (name,))}")
            fd = pending[name]
            for dep in fd.dependency:
                build(dep, chain + (name,))
            try:
                self.pool.AddSerializedFile(fd.SerializeToString())
            except Exception as e:  # TypeError from the C++ pool, with its reasons
                raise Fail(f"invalid descriptor {name} from the server: {e}") from None
            self.files[name] = fd

        for name in list(pending):
            build(name)

    def symbol(self, name):
        self.load(file_containing_symbol=name)
        for find in (self.pool.FindServiceByName, self.pool.FindMessageTypeByName, self.pool.FindEnumTypeByName):
            try:
                return find(name)
            except KeyError:
                pass
        if "." in name:  # a method
            service, method = name.rsplit(".", 1)
            try:
                return self.pool.FindServiceByName(service).methods_by_name[method]
            except KeyError:
                pass
        raise Fail(f"symbol {name} not found")


# --- describe, in proto syntax as grpcurl prints it

SCALARS = {v: k[len("TYPE_"):].lower() for k, v in descriptor_pb2.FieldDescriptorProto.Type.items()}


def _type_of(fp):
    return fp.type_name if fp.type in (T_MESSAGE, 14, 10) else SCALARS[fp.type]


def describe_message(desc, indent=""):
    dp = descriptor_pb2.DescriptorProto()
    desc.CopyToProto(dp)
    entries = {n.name: n for n in dp.nested_type if n.options.map_entry}
    synthetic = {f.oneof_index for f in dp.field if f.proto3_optional}

    def line(f):
        entry = entries.get(f.type_name.rsplit(".", 1)[-1]) if f.type == T_MESSAGE and f.label == REPEATED else None
        if entry:
            return f"map<{_type_of(entry.field[0])}, {_type_of(entry.field[1])}> {f.name} = {f.number};"
        label = "repeated " if f.label == REPEATED else "optional " if f.proto3_optional else ""
        return f"{label}{_type_of(f)} {f.name} = {f.number};"

    out, done = [f"{indent}message {dp.name} {{"], set()
    for f in dp.field:
        if not f.HasField("oneof_index") or f.oneof_index in synthetic:
            out.append(f"{indent}  {line(f)}")
        elif f.oneof_index not in done:
            done.add(f.oneof_index)
            members = [g for g in dp.field if g.HasField("oneof_index") and g.oneof_index == f.oneof_index]
            out += [f"{indent}  oneof {dp.oneof_decl[f.oneof_index].name} {{"] + [f"{indent}    {line(g)}" for g in members] + [f"{indent}  }}"]
    for n in desc.nested_types:
        if not n.GetOptions().map_entry:
            out += describe_message(n, indent + "  ")
    for e in desc.enum_types:
        out += describe_enum(e, indent + "  ")
    return out + [f"{indent}}}"]


def describe_enum(desc, indent=""):
    return [f"{indent}enum {desc.name} {{"] + [f"{indent}  {v.name} = {v.number};" for v in desc.values] + [f"{indent}}}"]


def describe_method(m):
    cs, ss = m_streaming(m)
    return f"rpc {m.name} ( {'stream ' if cs else ''}.{m.input_type.full_name} ) returns ( {'stream ' if ss else ''}.{m.output_type.full_name} );"


def m_streaming(m):
    mp = descriptor_pb2.MethodDescriptorProto()
    m.CopyToProto(mp)
    return mp.client_streaming, mp.server_streaming


def describe(desc):
    kind = type(desc).__name__
    if kind == "ServiceDescriptor":
        return [f"{desc.full_name} is a service:", f"service {desc.name} {{"] + [f"  {describe_method(m)}" for m in desc.methods] + ["}"]
    if kind == "MethodDescriptor":
        return [f"{desc.full_name} is a method:", describe_method(desc)]
    if kind == "EnumDescriptor":
        return [f"{desc.full_name} is an enum:"] + describe_enum(desc)
    return [f"{desc.full_name} is a message:"] + describe_message(desc)


# --- the command line, with grpcurl's flags

def main(argv):
    p = argparse.ArgumentParser(prog="reflect.py", description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-plaintext", action="store_true", help="no TLS")
    p.add_argument("-cacert", help="the CA that issued the server's certificate")
    p.add_argument("-cert", help="our certificate (mutual TLS)")
    p.add_argument("-key", help="our key (mutual TLS)")
    p.add_argument("-servername", "-authority", dest="servername", help="the name the server's certificate must carry (a router's name, controller)")
    p.add_argument("-unix", action="store_true", help="ADDRESS is a unix socket path")
    p.add_argument("-d", dest="data", default="{}", help="the request, in JSON")
    p.add_argument("-max-msgs", dest="max_msgs", type=int, default=0, help="stop a server stream after N messages")
    p.add_argument("-max-time", dest="max_time", type=float, default=0, help="seconds the whole call may take (default: 10 for a reflection request or a unary call, none for a stream)")
    p.add_argument("address")
    p.add_argument("verb", nargs="?", default="list", help="list, describe, or SERVICE/METHOD")
    p.add_argument("symbol", nargs="?")
    a = p.parse_intermixed_args(argv)

    target = f"unix:{a.address}" if a.unix and not a.address.startswith("unix:") else a.address
    options = [("grpc.ssl_target_name_override", a.servername), ("grpc.default_authority", a.servername)] if a.servername else []
    if a.plaintext:
        channel = grpc.insecure_channel(target, options=options)
    else:
        read = lambda path: open(path, "rb").read() if path else None  # noqa: E731
        channel = grpc.secure_channel(target, grpc.ssl_channel_credentials(read(a.cacert), read(a.key), read(a.cert)), options=options)
    r = Reflection(channel, a.max_time or 10.0)

    if a.verb == "list":
        if a.symbol:
            for m in r.symbol(a.symbol).methods:
                print(m.full_name)
        else:
            for s in sorted(r.services()):
                print(s)
        return 0
    if a.verb == "describe":
        for i, name in enumerate([a.symbol] if a.symbol else sorted(r.services())):
            print(("\n" if i else "") + "\n".join(describe(r.symbol(name))))
        return 0

    service, _, method = a.verb.replace("/", ".").rpartition(".")
    m = r.symbol(service).methods_by_name.get(method) if service else None
    if m is None:
        raise Fail(f"no method {a.verb}")
    client_streaming, server_streaming = m_streaming(m)
    if client_streaming:
        raise Fail(f"{a.verb} is a client stream: not supported here")
    req = json_format.Parse(a.data, message_class(m.input_type)())
    res_cls = message_class(m.output_type)
    path = f"/{m.containing_service.full_name}/{m.name}"
    show = lambda msg: print(json.dumps(json_format.MessageToDict(msg, preserving_proto_field_name=True), indent=2), flush=True)  # noqa: E731
    if not server_streaming:
        show(channel.unary_unary(path, request_serializer=lambda x: x.SerializeToString(), response_deserializer=res_cls.FromString)(req, timeout=a.max_time or 10.0))
        return 0
    call = channel.unary_stream(path, request_serializer=lambda x: x.SerializeToString(), response_deserializer=res_cls.FromString)(req, timeout=a.max_time or None)
    n = 0
    try:
        for msg in call:
            show(msg)
            n += 1
            if a.max_msgs and n >= a.max_msgs:
                call.cancel()
                break
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.CANCELLED:
            raise
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Fail as e:
        print(f"reflect.py: {e}", file=sys.stderr)
        sys.exit(1)
    except grpc.RpcError as e:
        print(f"reflect.py: {e.code().name}: {e.details()}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
