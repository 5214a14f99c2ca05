using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using GeneratedArm.Generators.Model;

namespace GeneratedArm.Generators.Parsing;

/// <summary>
/// Builds the <see cref="IndexSpec"/> from every file's <see cref="DocumentSpec"/>: assigns final,
/// collision-free type names per namespace and member names per class (in ordinal (path, pointer)
/// order, so the result never depends on file order), and records bases and aliases.
/// </summary>
internal static class IndexBuilder
{
    /// <summary>Members every generated class declares; schema properties with these names are renamed.</summary>
    public static readonly ImmutableArray<string> ReservedMembers = ImmutableArray.Create(
        "AdditionalProperties", "JsonNullProperties", "ReadJson", "WriteJson", "WriteRequestJson", "ReadJsonObject",
        "ReadJsonProperty", "WriteJsonObject", "WriteJsonProperties", "GeneratedJsonConverter", "PeekDiscriminator", "TryParseDuration", "MarkJsonNull", "IsJsonNull",
        "ToString", "Equals", "GetHashCode", "GetType", "MemberwiseClone", "Finalize");

    public static IndexSpec Build(ImmutableArray<DocumentSpec> documents, System.Threading.CancellationToken cancellationToken = default)
    {
        try
        {
            return BuildCore(documents, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Never throw out of the generator: report, and resolve every reference as unknown.
            var diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, null, "the index of all schema files", ex.GetType().Name + ": " + ex.Message);
            return new IndexSpec(EquatableArray<IndexEntry>.Empty, EquatableArray<MemberName>.Empty, new[] { diagnostic }.ToEquatableArray());
        }
    }

    private static IndexSpec BuildCore(ImmutableArray<DocumentSpec> documents, System.Threading.CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var entries = new List<(DocumentSpec Doc, DeclSpec Decl, string Name)>();
        var taken = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var owners = new Dictionary<(string Ns, string Name), (DocumentSpec Doc, DeclSpec Decl)>();

        foreach (DocumentSpec doc in documents.OrderBy(d => d.Path, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!taken.TryGetValue(doc.Namespace, out HashSet<string>? names))
            {
                // Hint names must be unique ignoring case, so type names are too.
                names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                taken.Add(doc.Namespace, names);
            }

            foreach (DeclSpec decl in doc.Declarations)
            {
                if (decl.Kind == DeclKind.Alias)
                {
                    entries.Add((doc, decl, decl.Name));
                    continue;
                }

                // The same enum declared again (common in Azure specs: one x-ms-enum repeated across files)
                // is the same type: later copies become aliases of the first instead of Name2, Name3...
                if (decl.Kind is DeclKind.ExtensibleEnum or DeclKind.FixedEnum
                    && owners.TryGetValue((doc.Namespace, decl.Name), out (DocumentSpec Doc, DeclSpec Decl) same)
                    && same.Decl.Kind == decl.Kind && SameValues(same.Decl.EnumValues, decl.EnumValues))
                {
                    entries.Add((doc, decl with { Kind = DeclKind.Alias, Alias = new ShapeSpec(ShapeKind.Ref, Ref: new SchemaRef(same.Doc.Path, same.Decl.Pointer)) }, decl.Name));
                    continue;
                }

                string name = decl.Name;
                for (int i = 2; !TryTake(names, name, decl.Kind); i++)
                {
                    name = decl.Name + i.ToString(CultureInfo.InvariantCulture);
                }

                if (name != decl.Name)
                {
                    string other = owners.TryGetValue((doc.Namespace, decl.Name), out (DocumentSpec Doc, DeclSpec Decl) first) ? first.Decl.Location.Path + first.Decl.Pointer : ReservedMembers.Contains(decl.Name) ? "a generated member" : "another generated type";
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameCollision, decl.Location, decl.Name, decl.Pointer, other, name));
                }
                else
                {
                    owners[(doc.Namespace, name)] = (doc, decl);
                }

                entries.Add((doc, decl, name));
            }
        }

        // Member names: an object's own properties must not clash with each other, with its type name,
        // with the generated members, or with anything it inherits.
        var byRef = new Dictionary<SchemaRef, int>();
        for (int i = 0; i < entries.Count; i++)
        {
            byRef[new SchemaRef(entries[i].Doc.Path, entries[i].Decl.Pointer)] = i;
        }

        var ids = new List<MemberName>();
        foreach (DocumentSpec doc in documents)
        {
            if (doc.Id is { Length: > 0 } id)
            {
                ids.Add(new MemberName(id.Split('#')[0], doc.Path));
            }
        }

        ids.Sort((a, b) => string.CompareOrdinal(a.JsonName + "\n" + a.Name, b.JsonName + "\n" + b.Name));
        var idMap = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (MemberName id in ids)
        {
            idMap[id.JsonName] = id.Name;
        }

        var members = new EquatableArray<MemberName>?[entries.Count];
        var shapes = new ShapeSpec?[entries.Count];
        var forwards = new EquatableArray<ForwardSpec>[entries.Count];
        var state = new MemberState(entries, byRef, idMap, members, shapes, forwards, diagnostics);
        for (int i = 0; i < entries.Count; i++)
        {
            ComputeMembers(i, state, new HashSet<int>());
        }

        var result = new List<IndexEntry>(entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            (DocumentSpec doc, DeclSpec decl, string name) = entries[i];
            SchemaRef? baseRef = decl.Base is null ? null : Canonical(decl.Base, idMap);
            result.Add(new IndexEntry
            {
                Path = doc.Path,
                Pointer = decl.Pointer,
                Namespace = doc.Namespace,
                Name = name,
                Kind = decl.Kind,
                Alias = decl.Alias is null ? null : WithoutPositions(decl.Alias),
                Base = baseRef,
                Discriminator = decl.Discriminator,
                DiscriminatorValue = decl.DiscriminatorValue,
                IsUnknownSubtype = decl.IsUnknownSubtype,
                Members = members[i] ?? EquatableArray<MemberName>.Empty,
                DiscriminatorShape = shapes[i],
                Forwards = forwards[i],
            });
        }

        return new IndexSpec(result.ToEquatableArray(), ids.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    /// <summary>
    /// A shape without source positions: the index must not change when text merely moves, and problems
    /// inside a declaration are reported where it is declared, by its own file.
    /// </summary>
    public static ShapeSpec WithoutPositions(ShapeSpec shape)
        => shape with { Location = null, RefText = null, SourcePointer = null, Element = shape.Element is null ? null : WithoutPositions(shape.Element) };

    /// <summary>A reference by $id URI becomes a reference by path when some file declares that $id.</summary>
    public static SchemaRef Canonical(SchemaRef reference, IReadOnlyDictionary<string, string> idMap)
        => idMap.TryGetValue(reference.Path, out string? path) ? new SchemaRef(path, reference.Pointer) : reference;

    private static bool SameValues(EquatableArray<EnumValueSpec> a, EquatableArray<EnumValueSpec> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (int i = 0; i < a.Count; i++)
        {
            if (a[i].Value != b[i].Value)
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryTake(HashSet<string> names, string name, DeclKind kind)
    {
        // A type may not share its name with one of its own generated members (CS0542).
        if (names.Contains(name) || ReservedMembers.Contains(name) || (kind == DeclKind.FixedEnum && names.Contains(name + "Extensions")))
        {
            return false;
        }

        names.Add(name);
        if (kind == DeclKind.FixedEnum)
        {
            names.Add(name + "Extensions");
        }

        return true;
    }

    private sealed record MemberState(
        List<(DocumentSpec Doc, DeclSpec Decl, string Name)> Entries,
        Dictionary<SchemaRef, int> ByRef,
        Dictionary<string, string> IdMap,
        EquatableArray<MemberName>?[] Members,
        ShapeSpec?[] Shapes,
        EquatableArray<ForwardSpec>[] Forwards,
        List<DiagnosticInfo> Diagnostics);

    /// <summary>The entry and its bases, nearest first (a cycle of bases is cut where it closes).</summary>
    private static List<int> Chain(int index, MemberState state)
    {
        var chain = new List<int> { index };
        SchemaRef? baseRef = state.Entries[index].Decl.Base;
        while (baseRef is not null && state.ByRef.TryGetValue(Canonical(baseRef, state.IdMap), out int baseIndex) && !chain.Contains(baseIndex))
        {
            chain.Add(baseIndex);
            baseRef = state.Entries[baseIndex].Decl.Base;
        }

        return chain;
    }

    private static void ComputeMembers(int index, MemberState state, HashSet<int> visiting)
    {
        if (state.Members[index] is not null)
        {
            return;
        }

        (DocumentSpec doc, DeclSpec decl, string typeName) = state.Entries[index];
        if (decl.Kind != DeclKind.Object)
        {
            state.Members[index] = EquatableArray<MemberName>.Empty;
            return;
        }

        visiting.Add(index);
        var inheritedJson = new HashSet<string>(StringComparer.Ordinal);
        var used = new HashSet<string>(ReservedMembers, StringComparer.Ordinal) { typeName };

        List<int> chain = Chain(index, state);
        foreach (int baseIndex in chain.Skip(1))
        {
            if (!visiting.Contains(baseIndex))
            {
                ComputeMembers(baseIndex, state, visiting);
            }

            foreach (MemberName inherited in state.Members[baseIndex] ?? EquatableArray<MemberName>.Empty)
            {
                inheritedJson.Add(inherited.JsonName);
                used.Add(inherited.Name);
            }

            foreach (ForwardSpec forward in state.Forwards[baseIndex])
            {
                used.Add(forward.Name);
            }

            used.Add(state.Entries[baseIndex].Name);
        }

        var own = new List<MemberName>();
        foreach (PropSpec prop in decl.Properties)
        {
            if (inheritedJson.Contains(prop.JsonName))
            {
                // Re-declared in a subtype (to refine a description or readOnly): the base's property serves.
                continue;
            }

            string name = prop.Name;
            for (int i = 2; !used.Add(name); i++)
            {
                name = prop.Name + i.ToString(CultureInfo.InvariantCulture);
            }

            if (name != prop.Name)
            {
                string reason = prop.Name == typeName ? "its enclosing type" : ReservedMembers.Contains(prop.Name) ? "a generated member" : "another member";
                state.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameCollision, prop.Location, prop.Name, PropertyPointer(decl, prop), reason, name));
            }

            // Without positions, so moving text around in the file does not change the index.
            ShapeSpec shape = WithoutPositions(prop.Shape);
            own.Add(new MemberName(prop.JsonName, name, shape));
            if (prop.JsonName == decl.Discriminator)
            {
                state.Shapes[index] = shape;
            }
        }

        state.Members[index] = own.ToEquatableArray();

        // x-ms-client-flatten: shortcut properties for the members of the flattened object.
        var forwards = new List<ForwardSpec>();
        foreach (PropSpec prop in decl.Properties)
        {
            MemberName? via = own.FirstOrDefault(m => m.JsonName == prop.JsonName);
            if (!prop.Flatten || via is null || prop.Shape.Kind != ShapeKind.Ref || prop.Shape.Ref is null
                || !state.ByRef.TryGetValue(Canonical(prop.Shape.Ref, state.IdMap), out int target)
                || state.Entries[target].Decl.Kind != DeclKind.Object || chain.Contains(target) || visiting.Contains(target))
            {
                continue;
            }

            foreach (int level in Chain(target, state))
            {
                if (!visiting.Contains(level))
                {
                    ComputeMembers(level, state, visiting);
                }

                foreach (MemberName member in state.Members[level] ?? EquatableArray<MemberName>.Empty)
                {
                    if (!used.Add(member.Name))
                    {
                        state.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameCollision, prop.Location, member.Name, PropertyPointer(decl, prop) + " (x-ms-client-flatten)", "another member", via.Name + "." + member.Name));
                        continue;
                    }

                    forwards.Add(new ForwardSpec(member.Name, via.Name, member.Name, member.Shape ?? ShapeSpec.Any));
                }
            }
        }

        state.Forwards[index] = forwards.ToEquatableArray();
        visiting.Remove(index);
    }

    private static string PropertyPointer(DeclSpec decl, PropSpec prop) => decl.Pointer + "/properties/" + PathUtil.EscapeToken(prop.JsonName);
}
