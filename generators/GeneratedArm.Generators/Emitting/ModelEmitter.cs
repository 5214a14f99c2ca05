using System.Globalization;
using System.Text;
using GeneratedArm.Generators.Model;

using static GeneratedArm.Generators.Emitting.CSharpText;

namespace GeneratedArm.Generators.Emitting;

/// <summary>
/// Turns one <see cref="TypeSpec"/> into C# source. It reads only the spec: no symbols, no options, no
/// culture (every number is formatted invariantly), so output is byte-identical everywhere.
/// </summary>
internal static partial class ModelEmitter
{
    public const string ToolName = "GeneratedArm";

    /// <summary>The generator's own version (Major.Minor.Patch of its assembly, i.e. the build's $(Version)).</summary>
    public static readonly string ToolVersion = ReadToolVersion();

    private const string Json = "global::System.Text.Json";
    private const string Reader = Json + ".Utf8JsonReader";
    private const string Writer = Json + ".Utf8JsonWriter";
    private const string TokenType = Json + ".JsonTokenType";
    private const string JsonException = Json + ".JsonException";
    private const string Invariant = "global::System.Globalization.CultureInfo.InvariantCulture";
    internal static readonly string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"" + ToolName + "\", \"" + ToolVersion + "\")]";

    private static string ReadToolVersion()
    {
        System.Version? version = typeof(ModelEmitter).Assembly.GetName().Version;
        return version is null ? "0.0.0" : version.ToString(3);
    }

    /// <summary>Bit in the write mode: omit readOnly properties (a request body).</summary>
    private const int OmitReadOnly = 1;

    /// <summary>Bit in the write mode: replace x-ms-secret values (ToString).</summary>
    private const int RedactSecrets = 2;

    public static string Emit(TypeSpec type, bool implementArmModel)
    {
        var w = new SourceWriter();
        FileHeader.Write(w, OneLine(type.SourcePointer) + " in " + OneLine(FileName(type.SourcePath)), "schema");
        w.Open("namespace " + type.Namespace);
        switch (type.Kind)
        {
            case DeclKind.ExtensibleEnum:
                EmitExtensibleEnum(w, type, implementArmModel);
                break;
            case DeclKind.FixedEnum:
                EmitFixedEnum(w, type);
                break;
            default:
                EmitClass(w, type, implementArmModel);
                break;
        }

        w.Close();
        return w.ToString();
    }

    // ---------------------------------------------------------------- classes

    private static void EmitClass(SourceWriter w, TypeSpec type, bool implementArmModel)
    {
        bool isRoot = type.BaseType is null;
        string self = type.FullName;

        // Members only generated code calls: internal, so models of one compilation call each other's.
        string virtualness = isRoot ? (type.IsSealed ? string.Empty : "virtual ") : "override ";

        Summary(w, type.Description ?? $"The {type.Name} schema.");
        w.Line(GeneratedCode);
        w.Line($"[{Json}.Serialization.JsonConverter(typeof({self}.GeneratedJsonConverter))]");
        var bases = new StringBuilder();
        if (type.BaseType is not null)
        {
            bases.Append(type.BaseType);
        }

        if (implementArmModel)
        {
            bases.Append(bases.Length > 0 ? ", " : string.Empty);
            bases.Append($"global::GeneratedArm.Serialization.IArmModel<{self}>");
        }

        w.Line($"public {(type.IsSealed ? "sealed " : string.Empty)}partial class {type.Name}{(bases.Length > 0 ? " : " + bases : string.Empty)}");
        w.Open();

        if (type.SelfDiscriminatorValue is not null && type.DiscriminatorPropertyName is not null && type.DiscriminatorPropertyType is not null)
        {
            w.Line($"/// <summary>Creates a {type.Name}, with its discriminator set to {Xml(Literal(type.SelfDiscriminatorValue))}.</summary>");
            w.Open($"public {type.Name}()");
            w.Line($"{type.DiscriminatorPropertyName} = {ValueLiteral(type.DiscriminatorPropertyType, type.SelfDiscriminatorValue)};");
            w.Close();
            w.Line();
        }

        foreach (PropertyModel property in type.Properties)
        {
            EmitPropertyDeclaration(w, property);
        }

        EmitNameMembers(w, type);

        foreach (ForwardModel forward in type.Forwards)
        {
            EmitForward(w, forward);
        }

        if (isRoot)
        {
            EmitRootMembers(w, type);
        }

        EmitReadJson(w, type, isRoot);
        EmitDeclaredJsonName(w, type, virtualness);
        EmitReadProperty(w, type, virtualness);
        if (UsesDuration(type))
        {
            w.Open("private static bool TryParseDuration(string? text, out global::System.TimeSpan value)");
            w.Line("value = default;");
            w.Line("if (text is null)");
            w.Open();
            w.Line("return false;");
            w.Close();
            w.Line();
            w.Line("try");
            w.Open();
            w.Line("value = global::System.Xml.XmlConvert.ToTimeSpan(text);");
            w.Line("return true;");
            w.Close();
            w.Line("catch (global::System.FormatException)");
            w.Open();
            w.Line("return false;");
            w.Close();
            w.Close();
            w.Line();
        }

        EmitWriteProperties(w, type, virtualness);
        EmitConverter(w, type, isRoot);
        w.Close();
    }

    private static void EmitPropertyDeclaration(SourceWriter w, PropertyModel property)
    {
        var doc = new StringBuilder(property.Description ?? string.Empty);
        if (property.ReadOnly)
        {
            doc.Append(doc.Length > 0 ? " " : string.Empty).Append("Read-only: set by the service, never sent in a request.");
        }

        if (property.Default is not null)
        {
            doc.Append(doc.Length > 0 ? " " : string.Empty).Append("Default (applied by the service when absent): ").Append(property.Default).Append('.');
        }

        if (property.Required)
        {
            doc.Append(doc.Length > 0 ? " " : string.Empty).Append("Required by the schema.");
        }

        if (property.Secret)
        {
            doc.Append(doc.Length > 0 ? " " : string.Empty).Append("Secret: ToString() never shows it.");
        }

        if (doc.Length == 0)
        {
            doc.Append("The ").Append(property.JsonName).Append(" property.");
        }

        Summary(w, doc.ToString());

        w.Line($"public {TypeName(property.Type)}? {property.Name} {{ get; set; }}");
        w.Line();
    }

    private static void EmitForward(SourceWriter w, ForwardModel forward)
    {
        w.Line($"/// <summary>Shortcut for <see cref=\"{forward.Via}\"/>.{forward.Target} (x-ms-client-flatten); setting a value creates <see cref=\"{forward.Via}\"/> when needed.</summary>");
        w.Line($"public {TypeName(forward.Type)}? {forward.Name}");
        w.Open();
        w.Line($"get => {forward.Via}?.{forward.Target};");
        w.Line("set");
        w.Open();
        w.Line($"if (value is not null || {forward.Via} is not null)");
        w.Open();
        w.Line($"({forward.Via} ??= new {forward.NestedType}()).{forward.Target} = value;");
        w.Close();
        w.Close();
        w.Close();
        w.Line();
    }

    private static void EmitRootMembers(SourceWriter w, TypeSpec type)
    {
        string access = type.IsSealed ? "private" : "private protected";
        w.Lines($$"""
            {{access}} global::System.Collections.Generic.Dictionary<string, {{Json}}.JsonElement>? _additionalProperties;

            {{access}} global::System.Collections.Generic.HashSet<string>? _jsonNulls;

            /// <summary>
            /// JSON properties the schema does not declare, kept as read so that writing the object back loses nothing
            /// (a read-modify-write keeps fields the service added after the schema was written).
            /// </summary>
            public global::System.Collections.Generic.IDictionary<string, {{Json}}.JsonElement> AdditionalProperties => _additionalProperties ??= new global::System.Collections.Generic.Dictionary<string, {{Json}}.JsonElement>(global::System.StringComparer.Ordinal);

            /// <summary>
            /// JSON names of declared properties that are present with the value <c>null</c> (as opposed to absent).
            /// Reading fills it; writing emits <c>null</c> for each listed property whose value is null, so a PATCH body can clear a value.
            /// </summary>
            public global::System.Collections.Generic.ISet<string> JsonNullProperties => _jsonNulls ??= new global::System.Collections.Generic.HashSet<string>(global::System.StringComparer.Ordinal);

            {{access}} void MarkJsonNull(string name) => JsonNullProperties.Add(name);

            {{access}} bool IsJsonNull(string name) => _jsonNulls is not null && _jsonNulls.Contains(name);

            /// <summary>Writes this object as JSON: every property, including read-only ones and undeclared ones.</summary>
            public void WriteJson({{Writer}} writer) => WriteJsonObject(writer, 0);

            /// <summary>Writes this object as a request body: like <see cref="WriteJson"/>, without read-only properties.</summary>
            public void WriteRequestJson({{Writer}} writer) => WriteJsonObject(writer, {{OmitReadOnly}});

            /// <summary>The object as JSON, with secret (x-ms-secret) values replaced.</summary>
            public override string ToString()
            {
                using var stream = new global::System.IO.MemoryStream();
                using (var writer = new {{Writer}}(stream))
                {
                    WriteJsonObject(writer, {{RedactSecrets}});
                }

                return global::System.Text.Encoding.UTF8.GetString(stream.ToArray());
            }

            internal void WriteJsonObject({{Writer}} writer, int mode)
            {
                writer.WriteStartObject();
                WriteJsonContent(writer, mode);
            }

            // As the value of a property: the name and the object's start in one call.
            internal void WriteJsonObject({{Writer}} writer, {{Json}}.JsonEncodedText propertyName, int mode)
            {
                writer.WriteStartObject(propertyName);
                WriteJsonContent(writer, mode);
            }

            private void WriteJsonContent({{Writer}} writer, int mode)
            {
                WriteJsonProperties(writer, mode);
                if (_additionalProperties is not null)
                {
                    foreach (var pair in _additionalProperties)
                    {
                        writer.WritePropertyName(pair.Key);
                        pair.Value.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }

            internal void ReadJsonObject(ref {{Reader}} reader)
            {
                if (reader.TokenType != {{TokenType}}.StartObject)
                {
                    throw new {{JsonException}}("A JSON object was expected for {{type.Name}}, not " + reader.TokenType + ".");
                }

                while (reader.Read() && reader.TokenType != {{TokenType}}.EndObject)
                {
                    // An unescaped declared name is recognised from its bytes; any other name is read as a string.
                    string? name = reader.ValueIsEscaped || reader.HasValueSequence ? null : DeclaredJsonName(reader.ValueSpan);
                    name ??= reader.GetString()!;
                    reader.Read();
                    if (!ReadJsonProperty(name, ref reader))
                    {
                        AdditionalProperties[name] = {{Json}}.JsonElement.ParseValue(ref reader);
                    }
                }
            }

            """);
    }

    private static void EmitReadJson(SourceWriter w, TypeSpec type, bool isRoot)
    {
        string self = type.FullName;
        w.Line("/// <summary>Reads one instance; <paramref name=\"reader\"/> is on the object's first token and is left on its last.</summary>");
        w.Open($"public static {(isRoot ? string.Empty : "new ")}{self} ReadJson(ref {Reader} reader)");
        bool selfReachable = true;
        if (type.DiscriminatorJsonName is not null)
        {
            w.Line($"switch (PeekDiscriminator(reader))");
            w.Open();
            foreach (SubtypeModel subtype in type.Subtypes)
            {
                w.Line($"case {Literal(subtype.Value)}:");
                w.Line($"    return {subtype.FullName}.ReadJson(ref reader);");
            }

            bool selfCase = type.SelfDiscriminatorValue is not null && !ContainsValue(type, type.SelfDiscriminatorValue);
            if (selfCase)
            {
                w.Line($"case {Literal(type.SelfDiscriminatorValue!)}:");
                w.Line("    break;");
            }

            if (type.UnknownSubtype is not null)
            {
                // Any other value (or none): the unknown subtype, which keeps all of the JSON.
                selfReachable = selfCase;
                w.Line("default:");
                w.Open();
                w.Line($"var unknown = new {type.UnknownSubtype}();");
                w.Line("unknown.ReadJsonObject(ref reader);");
                w.Line("return unknown;");
                w.Close();
            }

            w.Close();
            if (selfReachable)
            {
                w.Line();
            }
        }

        if (selfReachable)
        {
            w.Line($"var result = new {self}();");
            w.Line("result.ReadJsonObject(ref reader);");
            w.Line("return result;");
        }

        w.Close();
        w.Line();

        if (type.DiscriminatorJsonName is not null)
        {
            w.Line("// Looks ahead on a copy of the reader (a struct) for the discriminator, so the object is read once.");
            w.Open($"private static string? PeekDiscriminator({Reader} reader)");
            w.Line($"if (reader.TokenType != {TokenType}.StartObject)");
            w.Open();
            w.Line("return null;");
            w.Close();
            w.Line();
            w.Line("int depth = reader.CurrentDepth;");
            w.Open($"while (reader.Read() && !(reader.TokenType == {TokenType}.EndObject && reader.CurrentDepth == depth))");
            w.Line($"bool match = reader.TokenType == {TokenType}.PropertyName && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals({Literal(type.DiscriminatorJsonName)});");
            w.Line("reader.Read();");
            w.Line("if (match)");
            w.Open();
            w.Line($"return reader.TokenType == {TokenType}.String ? reader.GetString() : null;");
            w.Close();
            w.Line();
            w.Line("reader.Skip();");
            w.Close();
            w.Line();
            w.Line("return null;");
            w.Close();
            w.Line();
        }
    }

    private static bool ContainsValue(TypeSpec type, string value)
    {
        foreach (SubtypeModel subtype in type.Subtypes)
        {
            if (subtype.Value == value)
            {
                return true;
            }
        }

        return false;
    }

    private static void EmitReadProperty(SourceWriter w, TypeSpec type, string virtualness)
    {
        w.Open($"internal {virtualness}bool ReadJsonProperty(string name, ref {Reader} reader)");
        if (type.Properties.Count > 0)
        {
            w.Line("switch (name)");
            w.Open();
            foreach (PropertyModel property in type.Properties)
            {
                w.Line($"case {Literal(property.JsonName)}:");
                w.Indent();
                w.Line($"if (reader.TokenType == {TokenType}.Null)");
                w.Open();
                w.Line($"{property.Name} = null;");
                w.Line($"MarkJsonNull({Literal(property.JsonName)});");
                w.Close();
                (string? guard, string? value) = Guard(property.Type, property.Name);
                w.Line(guard is null ? "else" : $"else if ({guard})");
                w.Open();
                if (value is null && guard is not null)
                {
                    // Objects and collections: if anything inside does not fit, rewind and keep the whole value as read.
                    w.Line("var saved = reader;");
                    w.Line("try");
                    w.Open();
                    EmitRead(w, property.Type, property.Name, 0);
                    w.Close();
                    w.Line("catch (global::System.Exception exception) when (exception is global::System.InvalidOperationException or global::System.FormatException or global::System.OverflowException or " + JsonException + ")");
                    w.Open();
                    w.Line("reader = saved;");
                    w.Line("return false;");
                    w.Close();
                    w.Line();
                }
                else if (value is null)
                {
                    EmitRead(w, property.Type, property.Name, 0);
                }
                else
                {
                    w.Line($"{property.Name} = {value};");
                }

                w.Line($"_jsonNulls?.Remove({Literal(property.JsonName)});");
                w.Close();
                if (guard is not null)
                {
                    w.Line("else");
                    w.Open();
                    w.Line("// Not what the schema says (a service newer or looser than its spec): kept as an undeclared property, so nothing is lost.");
                    w.Line("return false;");
                    w.Close();
                }

                w.Line();
                w.Line("return true;");
                w.Unindent();
            }

            w.Close();
            w.Line();
        }

        w.Line(type.BaseType is null ? "return false;" : "return base.ReadJsonProperty(name, ref reader);");
        w.Close();
        w.Line();
    }

    private static void EmitWriteProperties(SourceWriter w, TypeSpec type, string virtualness)
    {
        w.Open($"internal {virtualness}void WriteJsonProperties({Writer} writer, int mode)");
        if (type.BaseType is not null)
        {
            w.Line("base.WriteJsonProperties(writer, mode);");
        }

        bool first = type.BaseType is null;
        for (int index = 0; index < type.Properties.Count; index++)
        {
            PropertyModel property = type.Properties[index];
            string name = NameArgument(property, index);
            if (!first)
            {
                w.Line();
            }

            first = false;
            if (property.ReadOnly)
            {
                w.Line($"if ((mode & {OmitReadOnly}) == 0)");
                w.Open();
            }

            string value = IsValueType(property.Type) ? property.Name + ".Value" : property.Name;
            w.Line($"if ({property.Name} is not null)");
            w.Open();
            string? combined = property.Secret ? null : WriteWithNameStatement(property.Type, name, value);

            // Objects and arrays start with their (precomputed) name in one call.
            bool startWithName = !property.Secret && combined is null && IsPlainName(property.JsonName);
            if (combined is not null)
            {
                w.Line(combined);
            }
            else if (!startWithName)
            {
                w.Line($"writer.WritePropertyName({name});");
            }

            if (property.Secret)
            {
                w.Line($"if ((mode & {RedactSecrets}) != 0)");
                w.Open();
                w.Line("writer.WriteStringValue(\"***\");");
                w.Close();
                w.Line("else");
                w.Open();
                EmitWrite(w, property.Type, value, 0);
                w.Close();
            }
            else if (combined is null)
            {
                EmitWrite(w, property.Type, value, 0, startWithName ? name : null);
            }

            w.Close();
            w.Line($"else if (IsJsonNull({Literal(property.JsonName)}))");
            w.Open();
            w.Line($"writer.WriteNull({name});");
            w.Close();
            if (property.ReadOnly)
            {
                w.Close();
            }
        }

        w.Close();
        w.Line();
    }

    private static void EmitConverter(SourceWriter w, TypeSpec type, bool isRoot)
        => EmitConverter(
            w,
            $"Lets <see cref=\"{Json}.JsonSerializer\"/> use the generated reader and writer of <see cref=\"{type.Name}\"/>.",
            type.FullName,
            isRoot ? string.Empty : "new ",
            $"{type.FullName}.ReadJson(ref reader)",
            "value.WriteJson(writer)");

    /// <summary>The nested <c>GeneratedJsonConverter</c> every generated type carries: one template for classes and both enum kinds.</summary>
    private static void EmitConverter(SourceWriter w, string summary, string self, string modifiers, string read, string write)
        => w.Lines($$"""
            /// <summary>{{summary}}</summary>
            {{GeneratedCode}}
            public {{modifiers}}sealed class GeneratedJsonConverter : {{Json}}.Serialization.JsonConverter<{{self}}>
            {
                /// <inheritdoc/>
                public override {{self}} Read(ref {{Reader}} reader, global::System.Type typeToConvert, {{Json}}.JsonSerializerOptions options) => {{read}};

                /// <inheritdoc/>
                public override void Write({{Writer}} writer, {{self}} value, {{Json}}.JsonSerializerOptions options) => {{write}};
            }
            """);
}
