using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using GeneratedArm.Generators.Model;

namespace GeneratedArm.Generators.Parsing;

/// <summary>
/// The per-file resolve step: one <see cref="DocumentSpec"/> plus the <see cref="IndexSpec"/> →
/// the <see cref="TypeSpec"/>s to emit, with every reference resolved to a C# type.
/// </summary>
internal sealed class TypeBuilder
{
    private static readonly ConditionalWeakTable<IndexSpec, Lookup> Lookups = new();

    private readonly Lookup _lookup;
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private readonly HashSet<DiagnosticInfo> _reported = new();

    private TypeBuilder(Lookup lookup)
    {
        _lookup = lookup;
    }

    public static DocumentTypes Build(DocumentSpec doc, IndexSpec index, System.Threading.CancellationToken cancellationToken = default)
    {
        var builder = new TypeBuilder(Lookups.GetValue(index, i => new Lookup(i)));
        builder._diagnostics.AddRange(doc.Diagnostics);
        foreach (DiagnosticInfo diagnostic in index.Diagnostics)
        {
            if (diagnostic.Location?.Path == doc.SourcePath)
            {
                builder._diagnostics.Add(diagnostic);
            }
        }

        var types = new List<TypeSpec>();
        try
        {
            foreach (DeclSpec decl in doc.Declarations)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (builder.BuildType(doc, decl) is { } type)
                {
                    types.Add(type);
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            builder._diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, null, doc.Path, ex.GetType().Name + ": " + ex.Message));
            types.Clear();
        }

        return new DocumentTypes(doc.Path, types.ToEquatableArray(), builder._diagnostics.ToEquatableArray());
    }

    private TypeSpec? BuildType(DocumentSpec doc, DeclSpec decl)
    {
        if (decl.Kind == DeclKind.Alias)
        {
            // No type of its own, but its references must still resolve (and be reported once, here).
            if (decl.Alias is not null)
            {
                Resolve(decl.Alias, new HashSet<SchemaRef>());
            }

            return null;
        }

        var self = new SchemaRef(doc.Path, decl.Pointer);
        if (!_lookup.Entries.TryGetValue(self, out IndexEntry? entry) || entry.Kind == DeclKind.Alias)
        {
            // No entry, or the index made it an alias (a repeated enum): nothing of its own to emit.
            return null;
        }

        if (decl.Kind != DeclKind.Object)
        {
            return new TypeSpec
            {
                HintName = entry.Namespace + "." + entry.Name + ".g.cs",
                Namespace = entry.Namespace,
                Name = entry.Name,
                Kind = decl.Kind,
                Description = decl.Description,
                SourcePath = doc.Path,
                SourcePointer = decl.Pointer,
                IsSealed = true,
                EnumValues = decl.EnumValues,
            };
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (MemberName member in entry.Members)
        {
            names[member.JsonName] = member.Name;
        }

        var properties = new List<PropertyModel>();
        foreach (PropSpec prop in decl.Properties)
        {
            TypeRefModel type = Resolve(prop.Shape, new HashSet<SchemaRef>());
            if (names.TryGetValue(prop.JsonName, out string? name))
            {
                properties.Add(new PropertyModel(name, prop.JsonName, type, prop.ReadOnly, prop.Secret, prop.Required, prop.Nullable, prop.Description, prop.Default));
            }
        }

        IndexEntry? baseEntry = entry.Base is not null && _lookup.Entries.TryGetValue(entry.Base, out IndexEntry? found) && found.Kind == DeclKind.Object ? found : null;
        if (entry.Base is not null && baseEntry is null)
        {
            ReportUnresolvedBase(decl, entry.Base);
        }
        else if (baseEntry is not null && _lookup.InBaseCycle(entry))
        {
            // A allOf B allOf A: C# cannot express it, so the type stands alone (its own properties only).
            Report(DiagnosticInfo.Create(DiagnosticDescriptors.ReferenceCycle, decl.Location, entry.Base!.ToString(), decl.Pointer + "/allOf"));
            baseEntry = null;
        }

        // Polymorphism: the discriminator is declared on this type or on an ancestor.
        List<IndexEntry> chain = baseEntry is null ? new List<IndexEntry> { entry } : Ancestors(entry);
        IndexEntry? root = chain.FirstOrDefault(e => e.Discriminator is not null);
        string? discriminatorJson = root?.Discriminator;
        var subtypes = new List<SubtypeModel>();
        string? unknown = null;
        if (discriminatorJson is not null)
        {
            foreach (IndexEntry descendant in Descendants(entry))
            {
                if (descendant.IsUnknownSubtype)
                {
                    if (ReferenceEquals(root, entry))
                    {
                        unknown = descendant.FullName;
                    }
                }
                else if (descendant.DiscriminatorValue is { } value && subtypes.All(s => s.Value != value))
                {
                    subtypes.Add(new SubtypeModel(value, descendant.FullName));
                }
            }

            subtypes.Sort((a, b) => string.CompareOrdinal(a.Value, b.Value));
        }

        string? selfValue = null;
        string? discriminatorProperty = null;
        TypeRefModel? discriminatorType = null;
        if (discriminatorJson is not null && !entry.IsUnknownSubtype && (baseEntry is not null || entry.DiscriminatorValue is not null))
        {
            selfValue = entry.DiscriminatorValue;
            foreach (IndexEntry e in chain)
            {
                MemberName? member = e.Members.FirstOrDefault(m => m.JsonName == discriminatorJson);
                if (member is not null)
                {
                    discriminatorProperty = member.Name;
                    discriminatorType = e.DiscriminatorShape is null ? new TypeRefModel(TypeRefKind.String) : Resolve(e.DiscriminatorShape, new HashSet<SchemaRef>());
                    if (discriminatorType.Kind is not (TypeRefKind.String or TypeRefKind.ExtensibleEnum))
                    {
                        // Not a string or extensible enum (a fixed enum might not list the value): the constructor leaves it alone.
                        discriminatorProperty = null;
                        discriminatorType = null;
                    }

                    break;
                }
            }
        }

        var forwards = new List<ForwardModel>();
        foreach (ForwardSpec forward in entry.Forwards)
        {
            PropertyModel? via = properties.FirstOrDefault(p => p.Name == forward.Via);
            if (via is { Type.Kind: TypeRefKind.Model, Type.FullName: { } nested })
            {
                forwards.Add(new ForwardModel(forward.Name, forward.Via, forward.Target, Resolve(forward.Shape, new HashSet<SchemaRef>()), nested));
            }
        }

        bool dispatches = discriminatorJson is not null && (subtypes.Count > 0 || unknown is not null);
        bool isSealed = !_lookup.HasChildren(entry);
        return new TypeSpec
        {
            HintName = entry.Namespace + "." + entry.Name + ".g.cs",
            Namespace = entry.Namespace,
            Name = entry.Name,
            Kind = DeclKind.Object,
            Description = decl.Description,
            SourcePath = doc.Path,
            SourcePointer = decl.Pointer,
            BaseType = baseEntry?.FullName,
            IsSealed = isSealed,
            Properties = properties.ToEquatableArray(),
            DiscriminatorJsonName = dispatches ? discriminatorJson : null,
            Subtypes = subtypes.ToEquatableArray(),
            UnknownSubtype = unknown,
            SelfDiscriminatorValue = selfValue,
            DiscriminatorPropertyName = discriminatorProperty,
            DiscriminatorPropertyType = discriminatorType,
            IsUnknownSubtype = entry.IsUnknownSubtype,
            Forwards = forwards.ToEquatableArray(),
        };
    }

    private void ReportUnresolvedBase(DeclSpec decl, SchemaRef reference)
    {
        Report(DiagnosticInfo.Create(DiagnosticDescriptors.UnresolvableReference, decl.Location, reference.ToString(), decl.Pointer + "/allOf", Why(reference)));
    }

    private List<IndexEntry> Ancestors(IndexEntry entry)
    {
        var chain = new List<IndexEntry> { entry };
        var seen = new HashSet<IndexEntry>(ReferenceEqualityComparer.Instance) { entry };
        IndexEntry current = entry;
        while (current.Base is not null && _lookup.Entries.TryGetValue(current.Base, out IndexEntry? parent) && seen.Add(parent))
        {
            chain.Add(parent);
            current = parent;
        }

        // The outermost discriminator wins: search from the root down.
        chain.Reverse();
        return chain;
    }

    private IEnumerable<IndexEntry> Descendants(IndexEntry entry)
    {
        var seen = new HashSet<IndexEntry>(ReferenceEqualityComparer.Instance) { entry };
        var queue = new Queue<IndexEntry>();
        queue.Enqueue(entry);
        while (queue.Count > 0)
        {
            foreach (IndexEntry child in _lookup.Children(queue.Dequeue()))
            {
                if (seen.Add(child))
                {
                    yield return child;
                    queue.Enqueue(child);
                }
            }
        }
    }

    /// <summary>Resolves a shape against the index without reporting anything (for operations' parameters and responses).</summary>
    internal static TypeRefModel ResolveShape(IndexSpec index, ShapeSpec shape)
        => new TypeBuilder(Lookups.GetValue(index, i => new Lookup(i))).Resolve(shape, new HashSet<SchemaRef>());

    /// <summary>The index entry a reference names (following <c>$id</c>s), if any.</summary>
    internal static IndexEntry? FindEntry(IndexSpec index, SchemaRef reference)
    {
        Lookup lookup = Lookups.GetValue(index, i => new Lookup(i));
        return lookup.Entries.TryGetValue(IndexBuilder.Canonical(reference, lookup.IdMap), out IndexEntry? entry) ? entry : null;
    }

    private string Why(SchemaRef reference)
        => _lookup.Paths.Contains(reference.Path)
            ? $" (the file has no schema at '{reference.Pointer}')"
            : $" (no AdditionalFiles item with ArmSchema=\"true\" is '{reference.Path}')";

    private void Report(DiagnosticInfo diagnostic)
    {
        if (_reported.Add(diagnostic))
        {
            _diagnostics.Add(diagnostic);
        }
    }

    /// <summary>Resolves a shape to a C# type; unresolvable references and alias cycles become JsonElement.</summary>
    private TypeRefModel Resolve(ShapeSpec shape, HashSet<SchemaRef> visiting, ShapeSpec? origin = null)
    {
        // Cycles are reported where the chain was entered (the outermost reference this file wrote).
        origin ??= shape.Location is not null ? shape : null;
        switch (shape.Kind)
        {
            case ShapeKind.Primitive:
                return new TypeRefModel(shape.Primitive);
            case ShapeKind.Array:
                return new TypeRefModel(TypeRefKind.Array, Element: Resolve(shape.Element ?? ShapeSpec.Any, visiting, origin));
            case ShapeKind.Map:
                return new TypeRefModel(TypeRefKind.Map, Element: Resolve(shape.Element ?? ShapeSpec.Any, visiting, origin));
            case ShapeKind.Ref when shape.Ref is not null:
            {
                SchemaRef reference = IndexBuilder.Canonical(shape.Ref, _lookup.IdMap);
                if (!_lookup.Entries.TryGetValue(reference, out IndexEntry? entry))
                {
                    if (shape.Location is not null)
                    {
                        Report(DiagnosticInfo.Create(DiagnosticDescriptors.UnresolvableReference, shape.Location, shape.RefText ?? reference.ToString(), shape.SourcePointer ?? string.Empty, Why(reference)));
                    }

                    return new TypeRefModel(TypeRefKind.Any);
                }

                switch (entry.Kind)
                {
                    case DeclKind.Object:
                        return new TypeRefModel(TypeRefKind.Model, entry.FullName);
                    case DeclKind.ExtensibleEnum:
                        return new TypeRefModel(TypeRefKind.ExtensibleEnum, entry.FullName);
                    case DeclKind.FixedEnum:
                        return new TypeRefModel(TypeRefKind.FixedEnum, entry.FullName);
                    default:
                        if (!visiting.Add(reference))
                        {
                            if (origin?.Location is not null)
                            {
                                Report(DiagnosticInfo.Create(DiagnosticDescriptors.ReferenceCycle, origin.Location, origin.RefText ?? reference.ToString(), origin.SourcePointer ?? string.Empty));
                            }

                            return new TypeRefModel(TypeRefKind.Any);
                        }

                        TypeRefModel aliased = Resolve(entry.Alias ?? ShapeSpec.Any, visiting, origin);
                        visiting.Remove(reference);
                        return aliased;
                }
            }

            default:
                return new TypeRefModel(TypeRefKind.Any);
        }
    }

    /// <summary>Dictionaries over an <see cref="IndexSpec"/>, built once per index instance.</summary>
    private sealed class Lookup
    {
        private readonly Dictionary<IndexEntry, List<IndexEntry>> _children = new(ReferenceEqualityComparer.Instance);

        public Lookup(IndexSpec index)
        {
            foreach (MemberName id in index.Ids)
            {
                IdMap[id.JsonName] = id.Name;
            }

            foreach (IndexEntry entry in index.Entries)
            {
                Entries[new SchemaRef(entry.Path, entry.Pointer)] = entry;
                Paths.Add(entry.Path);
            }

            foreach (IndexEntry entry in index.Entries)
            {
                if (entry.Base is not null && Entries.TryGetValue(entry.Base, out IndexEntry? parent))
                {
                    if (!_children.TryGetValue(parent, out List<IndexEntry>? list))
                    {
                        list = new List<IndexEntry>();
                        _children.Add(parent, list);
                    }

                    list.Add(entry);
                }
            }
        }

        public Dictionary<SchemaRef, IndexEntry> Entries { get; } = new();

        public HashSet<string> Paths { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> IdMap { get; } = new(StringComparer.Ordinal);

        public bool HasChildren(IndexEntry entry) => _children.TryGetValue(entry, out List<IndexEntry>? list) && list.Any(child => !InBaseCycle(child));

        /// <summary>True when following bases from <paramref name="entry"/> comes back to it.</summary>
        public bool InBaseCycle(IndexEntry entry)
        {
            var seen = new HashSet<IndexEntry>(ReferenceEqualityComparer.Instance);
            IndexEntry current = entry;
            while (current.Base is not null && Entries.TryGetValue(current.Base, out IndexEntry? parent))
            {
                if (ReferenceEquals(parent, entry))
                {
                    return true;
                }

                if (!seen.Add(parent))
                {
                    return false;
                }

                current = parent;
            }

            return false;
        }

        public IEnumerable<IndexEntry> Children(IndexEntry entry) => _children.TryGetValue(entry, out List<IndexEntry>? list) ? list.Where(child => !InBaseCycle(child)) : Array.Empty<IndexEntry>();
    }

    private sealed class ReferenceEqualityComparer : IEqualityComparer<IndexEntry>
    {
        public static readonly ReferenceEqualityComparer Instance = new();

        public bool Equals(IndexEntry? x, IndexEntry? y) => ReferenceEquals(x, y);

        public int GetHashCode(IndexEntry obj) => RuntimeHelpers.GetHashCode(obj);
    }
}
