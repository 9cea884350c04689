// Server reflection with the descriptors protoc would make of our .proto files.
//
// @grpc/reflection serves what @grpc/proto-loader hands it: protobufjs's
// Root#toDescriptor, which protoc's descriptor builder (also the descriptor
// pool of Python's and C++'s protobuf) refuses or reads differently:
//  - a map field's entry is named `Statuses`, not `StatusesEntry`: "map_entry
//    should not be set explicitly" (grpc.health.v1.HealthListResponse);
//  - proto3 `optional` loses its proto3_optional flag (the field is then in a
//    real oneof `_name`, and the synthetic oneofs are not last);
//  - a file per package (srv6_agent_v1.proto), with no imports: a type of
//    another file is a reference the builder cannot resolve;
//  - [packed = false] on fields that are not packed, singular ones too; no
//    json_name.
// Here the same .proto files are loaded with protobufjs and each becomes one
// FileDescriptorProto, named as imported, with its imports, fully qualified
// type names, map entries `<Field>Entry` and proto3 optional fields as protoc
// writes them.
import type * as grpc from '@grpc/grpc-js';
import type * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { PROTO_ROOT, protoPath } from './load.js';

type Obj = Record<string, any>;
/** What protobufjs/ext/descriptor adds to its reflection objects. */
type Describable = { toDescriptor(edition?: string): Obj };

/** The .proto files of the reflection service itself (v1 and v1alpha), so that it is listed and described too. */
const REFLECTION_PROTOS = ['v1', 'v1alpha'].map((v) => join(dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), '..', 'proto', 'grpc', 'reflection', v, 'reflection.proto'));

type Json = { nested?: Record<string, Json> };
/** The well-known types protobufjs bundles, which come without a file name: .google.protobuf.Timestamp -> google/protobuf/timestamp.proto */
const WELL_KNOWN = new Map<string, string>(Object.entries(protobuf.common as unknown as Record<string, Json>).filter(([file]) => file.startsWith('google/protobuf/'))
  .flatMap(([file, json]) => Object.keys(json.nested?.google?.nested?.protobuf?.nested ?? {}).map((t) => [`.google.protobuf.${t}`, file] as const)));

/** protoc's name of a map field's entry message: foo_bar -> FooBarEntry. */
export const mapEntryName = (field: string): string => field.replace(/(?:^|_)(.)/g, (_, c: string) => c.toUpperCase()).replace(/_/g, '') + 'Entry';

/** protoc's JSON name of a field: foo_bar -> fooBar. */
const jsonName = (field: string): string => field.replace(/_+(.?)/g, (_, c: string) => c.toUpperCase());

/**
 * The name a file is imported by: relative to the include folder it is in
 * (srv6/agent/v1/agent.proto), else google/protobuf/... for the well-known
 * types, else its package's path (grpc/health/v1/health.proto).
 */
function fileName(top: protobuf.ReflectionObject, pkg: string, includeDirs: string[]): string {
  const path = top.filename;
  for (const dir of includeDirs) {
    if (path && isAbsolute(path) && !relative(dir, path).startsWith('..')) return relative(dir, path).split(sep).join('/');
  }
  const wellKnown = path?.lastIndexOf('google/protobuf/') ?? -1;
  if (path && wellKnown >= 0) return path.slice(wellKnown);
  if (!path && WELL_KNOWN.has(top.fullName)) return WELL_KNOWN.get(top.fullName)!;
  const base = path ? path.split(/[\\/]/).pop()! : `${pkg.split('.').pop() || 'root'}.proto`;
  return pkg ? `${pkg.replace(/\./g, '/')}/${base}` : base;
}

/** Loads the files as @grpc/proto-loader does: imports from the include folders, else next to the importing file. */
function load(files: string[], includeDirs: string[]): protobuf.Root {
  const root = new protobuf.Root();
  const original = root.resolvePath.bind(root);
  root.resolvePath = (origin: string, target: string) => {
    if (isAbsolute(target)) return target;
    for (const dir of includeDirs) {
      try {
        accessSync(join(dir, target), constants.R_OK);
        return join(dir, target);
      } catch {
        // the next folder
      }
    }
    return original(origin, target);
  };
  root.loadSync(files.map(protoPath), { keepCase: true });
  root.resolveAll();
  return root;
}

/** A package's `option` lines (protobufjs keeps them on its namespace), those descriptor.proto knows. */
function fileOptions(ns: protobuf.NamespaceBase): Obj | undefined {
  const known = Object.entries(ns.options ?? {}).map(([k, v]) => [protobuf.util.camelCase(k), v] as const).filter(([k]) => k in descriptor.FileOptions.fields);
  return known.length ? descriptor.FileOptions.fromObject(Object.fromEntries(known)) : undefined;
}

const qualified = (t: protobuf.ReflectionObject): string => t.fullName; // '.pkg.Type', as protoc writes type references

/** Corrects protobufjs's descriptor of a message (in place), recording the files it refers to. */
function fixMessage(d: Obj, t: protobuf.Type, refer: (t: protobuf.ReflectionObject) => void): void {
  const entries = (d.nestedType as Obj[]).filter((n) => n.options?.mapEntry);
  let entry = 0;
  t.fieldsArray.forEach((f, i) => {
    const fd = (d.field as Obj[])[i];
    if (f.map) {
      // toDescriptor put the entries first among the nested types, in field order
      const e = entries[entry++];
      e.name = mapEntryName(f.name);
      fd.typeName = `${qualified(t)}.${e.name}`;
      for (const kv of e.field as Obj[]) kv.jsonName = kv.name;
      const value = (e.field as Obj[])[1];
      if (f.resolvedType) {
        value.typeName = qualified(f.resolvedType);
        refer(f.resolvedType);
      }
    } else if (f.resolvedType) {
      fd.typeName = qualified(f.resolvedType);
      refer(f.resolvedType);
    }
    if (f.options?.proto3_optional) fd.proto3Optional = true;
    // protoc writes [packed] where the .proto says it; toDescriptor [packed = false] on any field not packed, singular ones too
    if (f.options?.packed !== undefined) (fd.options ??= descriptor.FieldOptions.create()).packed = f.options.packed;
    else if (fd.options) delete fd.options.packed;
    if (fd.options && !Object.keys(descriptor.FieldOptions.toObject(fd.options)).length) delete fd.options;
    fd.jsonName = f.options?.json_name ?? jsonName(f.name);
  });
  // protoc: real oneofs first, then the synthetic ones of proto3 optional fields, each in declaration order
  const oneofs = t.oneofsArray;
  const synthetic = (o: protobuf.OneOf) => o.fieldsArray.length === 1 && !!o.fieldsArray[0].options?.proto3_optional;
  const order = [...oneofs.filter((o) => !synthetic(o)), ...oneofs.filter(synthetic)];
  d.oneofDecl = order.map((o) => (d.oneofDecl as Obj[])[oneofs.indexOf(o)]);
  t.fieldsArray.forEach((f, i) => {
    if (f.partOf) (d.field as Obj[])[i].oneofIndex = order.indexOf(f.partOf);
  });
  const nested = t.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type);
  nested.forEach((n, k) => fixMessage((d.nestedType as Obj[])[entries.length + k], n, refer));
}

function fixService(d: Obj, s: protobuf.Service, refer: (t: protobuf.ReflectionObject) => void): void {
  s.methodsArray.forEach((m, i) => {
    const md = (d.method as Obj[])[i];
    md.inputType = qualified(m.resolvedRequestType!);
    md.outputType = qualified(m.resolvedResponseType!);
    refer(m.resolvedRequestType!);
    refer(m.resolvedResponseType!);
  });
}

/**
 * One encoded FileDescriptorProto per .proto file loaded (the files given and
 * what they import), as protoc makes them (protoc -I for each include folder).
 * Files are given absolute or relative to our proto/ folder.
 */
export function fileDescriptorProtos(files: string[], includeDirs: string[] = [PROTO_ROOT]): Buffer[] {
  const root = load(files, includeDirs);
  const out = new Map<string, { file: Obj; deps: Set<string> }>();
  /** The file a type is in: that of its outermost message, in its package. */
  const nameOf = (o: protobuf.ReflectionObject): string => {
    let top = o;
    while (top.parent instanceof protobuf.Type) top = top.parent;
    return fileName(top, top.parent && !(top.parent instanceof protobuf.Root) ? top.parent.fullName.slice(1) : '', includeDirs);
  };
  const visit = (ns: protobuf.NamespaceBase) => {
    for (const o of ns.nestedArray) {
      if (o.constructor === protobuf.Namespace) {
        visit(o as protobuf.Namespace);
        continue;
      }
      const pkg = ns instanceof protobuf.Root ? '' : ns.fullName.slice(1);
      const name = fileName(o, pkg, includeDirs);
      // what the file's syntax line said (protobufjs keeps it on each top-level object)
      const edition = (o as { _edition?: string })._edition === 'proto2' ? 'proto2' : 'proto3';
      let f = out.get(name);
      if (!f) {
        f = { file: descriptor.FileDescriptorProto.create({ name, package: pkg || undefined, syntax: edition, options: fileOptions(ns) }) as Obj, deps: new Set() };
        out.set(name, f);
      }
      const entry = f;
      const refer = (t: protobuf.ReflectionObject) => {
        const other = nameOf(t);
        if (other !== name) entry.deps.add(other);
      };
      const describe = (e?: string) => (o as unknown as Describable).toDescriptor(e);
      if (o instanceof protobuf.Type) {
        const d = describe(edition);
        fixMessage(d, o, refer);
        entry.file.messageType.push(d);
      } else if (o instanceof protobuf.Enum) {
        entry.file.enumType.push(describe());
      } else if (o instanceof protobuf.Service) {
        const d = describe();
        fixService(d, o, refer);
        entry.file.service.push(d);
      } else if (o instanceof protobuf.Field) {
        const d = describe(edition);
        if (o.resolvedType) {
          d.typeName = qualified(o.resolvedType);
          refer(o.resolvedType);
        }
        if (o.extensionField) d.extendee = qualified(o.extensionField.parent!);
        entry.file.extension.push(d);
      }
    }
  };
  visit(root);
  return [...out.values()].map(({ file, deps }) => {
    file.dependency = [...deps].sort();
    return Buffer.from(descriptor.FileDescriptorProto.encode(file).finish());
  });
}

/** What ReflectionService.addToServer registers: its two services' definitions and handlers. */
function registrations(service: ReflectionService): Map<string, { definition: grpc.ServiceDefinition; handlers: grpc.UntypedServiceImplementation }> {
  const out = new Map<string, { definition: grpc.ServiceDefinition; handlers: grpc.UntypedServiceImplementation }>();
  const capture = { addService: (definition: grpc.ServiceDefinition, handlers: grpc.UntypedServiceImplementation) => out.set(Object.values(definition)[0].path, { definition, handlers }) };
  service.addToServer(capture as unknown as grpc.Server);
  return out;
}

/**
 * Server reflection (v1 and v1alpha) for the services of these .proto files
 * (as loadPackage is given them: packageFiles()) and for itself. The
 * descriptors are built at the first reflection call, not at start: building
 * them costs a process ~6 MB of memory it keeps, and an agent's budget is 80.
 */
export function addReflection(server: grpc.Server, files: string[], includeDirs?: string[]): void {
  let served: ReturnType<typeof registrations> | undefined;
  const real = () => {
    // @grpc/reflection reads only the fileDescriptorProtos of a package definition's entries
    const definition = { files: { format: 'Protocol Buffer 3 DescriptorProto', type: {}, fileDescriptorProtos: fileDescriptorProtos([...files, ...REFLECTION_PROTOS], includeDirs) } };
    return (served ??= registrations(new ReflectionService(definition as unknown as protoLoader.PackageDefinition)));
  };
  // the services' definitions from an instance that describes nothing (cheap); the handlers of the real one
  const empty = { files: { format: 'Protocol Buffer 3 DescriptorProto', type: {}, fileDescriptorProtos: [] } };
  for (const [path, { definition, handlers }] of registrations(new ReflectionService(empty as unknown as protoLoader.PackageDefinition))) {
    server.addService(definition, Object.fromEntries(Object.keys(handlers).map((name) => [name, (call: grpc.ServerDuplexStream<unknown, unknown>) => {
      (real().get(path)!.handlers[name] as (c: typeof call) => void)(call);
    }])));
  }
}
