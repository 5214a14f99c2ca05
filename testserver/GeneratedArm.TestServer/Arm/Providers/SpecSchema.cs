namespace GeneratedArm.TestServer.Arm.ProviderSpecs;

/// <summary>
/// One schema of a spec with <c>allOf</c> flattened (the parents' properties and <c>required</c> merged in) — what a request body is
/// checked against. Discriminated bases keep their subtypes by discriminator value. Mutable only while <see cref="SpecSchemaReader"/>
/// builds it (recursive models point back at themselves).
/// </summary>
internal sealed class SpecSchema
{
    /// <summary><c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c>, <c>array</c>, <c>object</c>, or null (anything).</summary>
    public string? Type { get; set; }
    public string? Format { get; set; }
    public Dictionary<string, SpecSchema> Properties { get; private set; } = new(StringComparer.Ordinal);
    public HashSet<string> Required { get; private set; } = new(StringComparer.Ordinal);
    public bool ReadOnly { get; set; }
    public bool Nullable { get; set; }

    /// <summary>The allowed values; with <see cref="EnumExtensible"/> (<c>x-ms-enum.modelAsString: true</c>) others are accepted too.</summary>
    public List<string>? Enum { get; set; }
    public bool EnumExtensible { get; set; }
    public SpecSchema? Items { get; set; }

    /// <summary>The schema of a map's values (<c>additionalProperties</c>).</summary>
    public SpecSchema? AdditionalProperties { get; set; }
    public string? Pattern { get; set; }
    public int? MinLength { get; set; }
    public int? MaxLength { get; set; }
    public int? MinItems { get; set; }
    public int? MaxItems { get; set; }
    public decimal? Minimum { get; set; }
    public decimal? Maximum { get; set; }

    /// <summary>The discriminator property of a polymorphic base (Swagger 2.0 <c>discriminator</c>).</summary>
    public string? Discriminator { get; set; }

    /// <summary>This schema's own discriminator value (<c>x-ms-discriminator-value</c>, else its definition name).</summary>
    public string? DiscriminatorValue { get; set; }

    /// <summary>A discriminated base's subtypes by discriminator value.</summary>
    public Dictionary<string, SpecSchema> Subtypes { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>Where it was defined (diagnostics).</summary>
    public string Origin { get; set; } = "";

    public bool IsObject => Type == "object" || (Type is null && (Properties.Count > 0 || AdditionalProperties is not null));

    public SpecSchema? Property(string name) => Properties.TryGetValue(name, out var schema) ? schema : null;

    /// <summary>A copy of every member (kept beside the member list so a new member is copied too), the collections copied.</summary>
    public SpecSchema Copy()
    {
        var copy = (SpecSchema)MemberwiseClone();
        copy.Properties = new(Properties, StringComparer.Ordinal);
        copy.Required = new(Required, StringComparer.Ordinal);
        copy.Subtypes = new(Subtypes, StringComparer.Ordinal);
        return copy;
    }
}
