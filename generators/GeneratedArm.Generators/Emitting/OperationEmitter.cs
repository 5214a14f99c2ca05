using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using GeneratedArm.Generators.Model;

using static GeneratedArm.Generators.Emitting.CSharpText;

namespace GeneratedArm.Generators.Emitting;

/// <summary>
/// Writes the client of a spec title (its constructor takes the <c>ArmClient</c> and the client parameters; one
/// property per operation group) and each group class (virtual instance methods, one per operation, that build the
/// request and return <c>ArmResponse&lt;T&gt;</c>, <c>ArmPageable&lt;T&gt;</c> or <c>ArmOperation(&lt;T&gt;)</c>).
/// Reads only <see cref="ClientSpec"/> and <see cref="OperationGroupSpec"/>; all C# type text is made here.
/// </summary>
internal static class OperationEmitter
{
    private const string Runtime = "global::GeneratedArm.";
    private const string Token = "global::System.Threading.CancellationToken";
    private const string Invariant = "global::System.Globalization.CultureInfo.InvariantCulture";

    public static string EmitClient(ClientSpec client)
    {
        var w = new SourceWriter();
        FileHeader.Write(w, "the paths of " + OneLine(client.SourceFiles), "spec");
        w.Open("namespace " + client.Namespace);
        w.Lines($"""
            /// <summary>
            /// The operations of {Xml(client.Title)} ({Xml(client.SourceFiles)}), one property per operation group, as the
            /// spec groups them (the part of each operationId before '_').
            /// </summary>
            {ModelEmitter.GeneratedCode}
            """);
        w.Open("public partial class " + client.Name);
        w.Line("/// <summary>Creates the client.</summary>");
        w.Line("/// <param name=\"arm\">Sends the requests: credential, endpoint, retries.</param>");
        foreach (MethodParameterModel parameter in client.Parameters)
        {
            w.Line("/// <param name=\"" + parameter.Name.TrimStart('@') + "\">" + Xml(Flatten(parameter.Description ?? "The " + parameter.WireName + " of every request that names it.")) + "</param>");
        }

        w.Line("/// <exception cref=\"global::System.ArgumentException\">An argument is null or empty.</exception>");
        w.Open("public " + client.Name + "(" + Runtime + "ArmClient arm" + string.Concat(client.Parameters.Select(p => ", " + TypeName(p.Type) + " " + p.Name)) + ")");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(arm);");
        foreach (MethodParameterModel parameter in client.Parameters)
        {
            CheckArgument(w, parameter);
        }

        w.Line("Arm = arm;");
        foreach (MethodParameterModel parameter in client.Parameters)
        {
            w.Line(parameter.PropertyName + " = " + parameter.Name + ";");
        }

        foreach (GroupPropertyModel group in client.Groups)
        {
            w.Line(group.PropertyName + " = new " + group.ClassName + "(this);");
        }

        w.Close();
        w.Line();
        w.Line("/// <summary>For mocking: a subclass overrides the members it uses.</summary>");
        w.Open("protected " + client.Name + "()");
        w.Line("Arm = null!;");
        foreach (MethodParameterModel parameter in client.Parameters.Where(p => !IsValueType(p.Type)))
        {
            w.Line(parameter.PropertyName + " = null!;");
        }

        foreach (GroupPropertyModel group in client.Groups)
        {
            w.Line(group.PropertyName + " = null!;");
        }

        w.Close();
        w.Line();
        w.Line("/// <summary>The client that sends the requests.</summary>");
        w.Line("public virtual " + Runtime + "ArmClient Arm { get; }");
        foreach (MethodParameterModel parameter in client.Parameters)
        {
            w.Line();
            w.Line("/// <summary>The " + Xml(parameter.WireName) + " every operation that names it sends.</summary>");
            w.Line("public virtual " + TypeName(parameter.Type) + " " + parameter.PropertyName + " { get; }");
        }

        foreach (GroupPropertyModel group in client.Groups)
        {
            w.Line();
            w.Line("/// <summary>The " + Xml(group.PropertyName) + " operations.</summary>");
            w.Line("public virtual " + group.ClassName + " " + group.PropertyName + " { get; }");
        }

        w.Close();
        w.Close();
        return w.ToString();
    }

    public static string EmitGroup(OperationGroupSpec group)
    {
        var w = new SourceWriter();
        FileHeader.Write(w, "the paths of " + OneLine(group.SourceFiles), "spec");
        w.Open("namespace " + group.Namespace);
        w.Lines($$"""
            /// <summary>Operations of <see cref="{{group.ClientName}}"/>; reach them through its property.</summary>
            {{ModelEmitter.GeneratedCode}}
            public partial class {{group.Name}}
            {
                private readonly {{group.ClientName}} _client = null!;

                /// <summary>Creates the group for <paramref name="client"/> (whose property already holds one).</summary>
                /// <param name="client">The client whose parameters and <see cref="global::GeneratedArm.ArmClient"/> the requests use.</param>
                public {{group.Name}}({{group.ClientName}} client)
                {
                    global::System.ArgumentNullException.ThrowIfNull(client);
                    _client = client;
                }

                /// <summary>For mocking: a subclass overrides the methods it uses.</summary>
                protected {{group.Name}}()
                {
                }
            """);
        w.Indent();
        foreach (OperationMethodModel method in group.Methods)
        {
            w.Line();
            EmitMethod(w, method);
        }

        if (group.Methods.Any(m => m.Parameters.Any(p => p.Place == ParameterPlace.Query)))
        {
            w.Line();
            w.Lines("""
                private static string AppendQuery(string path, string name, string value)
                    => path + (path.IndexOf('?') < 0 ? "?" : "&") + name + "=" + global::System.Uri.EscapeDataString(value);
                """);
        }

        w.Close();
        w.Close();
        return w.ToString();
    }

    private static void EmitMethod(SourceWriter w, OperationMethodModel method)
    {
        List<MethodParameterModel> own = method.Parameters.Where(p => !p.FromClient).ToList();
        MethodParameterModel? body = own.FirstOrDefault(p => p.Place == ParameterPlace.Body);
        string result = method.Result is null ? string.Empty : TypeName(method.Result);
        (string returnType, string returns, bool isAsync) = method.Call switch
        {
            OperationCallKind.Head => (Task(Runtime + "ArmResponse<bool>"), "<see langword=\"true\"/> for a 2xx answer, <see langword=\"false\"/> for 404, with the response.", false),
            OperationCallKind.Pageable => (Runtime + "ArmPageable<" + result + ">", "The items, fetched lazily page by page (following <c>nextLink</c>); <c>AsPages</c> gives the pages.", false),
            OperationCallKind.LongRunning when method.Result is null => (Task(Runtime + "ArmOperation"), "The operation: completed, or started (see <paramref name=\"waitUntil\"/>).", true),
            OperationCallKind.LongRunning => (Task(Runtime + "ArmOperation<" + result + ">"), "The operation: completed with its <see cref=\"" + result + "\"/>, or started (see <paramref name=\"waitUntil\"/>).", true),
            _ when method.Result is null => (Task(Runtime + "ArmResponse"), "The response.", true),
            _ => (Task(Runtime + "ArmResponse<" + result + (method.ResultNullable ? "?" : string.Empty) + ">"), "The <see cref=\"" + result + "\"/> with the response" + (method.ResultNullable ? "; the value is <see langword=\"null\"/> when ARM answers without a body." : "."), true),
        };

        Doc(w, "summary", method.Summary ?? method.Description ?? "Sends " + method.HttpMethod + " " + method.PathTemplate + ".");
        w.Line("/// <remarks>");
        if (method.Summary is not null && method.Description is not null && method.Description != method.Summary)
        {
            foreach (string line in Lines(method.Description))
            {
                w.Line(line.Length == 0 ? "///" : "/// " + Xml(line));
            }

            w.Line("/// <para/>");
        }

        string sent = method.ApiVersion is null ? string.Empty : "?api-version=" + method.ApiVersion;
        w.Line("/// <c>" + Xml(OneLine(method.HttpMethod + " " + method.PathTemplate + sent)) + "</c> (" + Xml(OneLine(method.OperationId)) + (method.Call == OperationCallKind.LongRunning ? ", long-running" : string.Empty) + ").");
        w.Line("/// </remarks>");
        if (method.Call == OperationCallKind.LongRunning)
        {
            w.Line("/// <param name=\"waitUntil\"><see cref=\"global::GeneratedArm.WaitUntil.Completed\"/> polls until the operation ends; <see cref=\"global::GeneratedArm.WaitUntil.Started\"/> returns once ARM has accepted it.</param>");
        }

        foreach (MethodParameterModel parameter in own)
        {
            string text = parameter.Description ?? parameter.Place switch
            {
                ParameterPlace.Path => "The path parameter " + parameter.WireName + ".",
                ParameterPlace.Query => "The query parameter " + parameter.WireName + ".",
                _ => "The request body.",
            };
            if (!parameter.Required)
            {
                text += parameter.Place == ParameterPlace.Query ? " Omitted when null." : " Not sent when null.";
            }

            w.Line("/// <param name=\"" + parameter.Name.TrimStart('@') + "\">" + Xml(Flatten(text)) + "</param>");
        }

        w.Line("/// <param name=\"cancellationToken\">Stops the request (and any polling) at once.</param>");
        w.Line("/// <returns>" + returns + "</returns>");
        w.Line("/// <exception cref=\"global::GeneratedArm.ArmRequestException\">ARM answered with a non-success status, or could not be reached" + (method.Call == OperationCallKind.LongRunning ? ", or the operation failed" : string.Empty) + ".</exception>");

        var signature = new StringBuilder("public virtual ");
        signature.Append(isAsync ? "async " : string.Empty).Append(returnType).Append(' ').Append(method.Name).Append('(');
        var arguments = new List<string>();
        if (method.Call == OperationCallKind.LongRunning)
        {
            arguments.Add(Runtime + "WaitUntil waitUntil");
        }

        foreach (MethodParameterModel parameter in own)
        {
            arguments.Add(parameter.Required ? TypeName(parameter.Type) + " " + parameter.Name : TypeName(parameter.Type) + "? " + parameter.Name + " = null");
        }

        arguments.Add(Token + " cancellationToken = default");
        w.Open(signature.Append(string.Join(", ", arguments)).Append(')').ToString());
        foreach (MethodParameterModel parameter in own.Where(p => p.Required))
        {
            CheckArgument(w, parameter);
        }

        w.Line("string requestPath = " + PathExpression(method) + ";");
        foreach (MethodParameterModel parameter in method.Parameters.Where(p => p.Place == ParameterPlace.Query && p.WireName != "api-version"))
        {
            string value = parameter.Required || parameter.FromClient || !IsValueType(parameter.Type) ? ValueOf(parameter) : ValueOf(parameter) + ".Value";
            string append = "requestPath = AppendQuery(requestPath, " + Literal(parameter.WireName) + ", " + Format(parameter.Type, value) + ");";
            if (parameter.Required || parameter.FromClient)
            {
                w.Line(append);
            }
            else
            {
                w.Open("if (" + parameter.Name + " is not null)");
                w.Line(append);
                w.Close();
            }
        }

        string apiVersion = method.ApiVersion is null ? own.First(p => p.Place == ParameterPlace.Query && p.WireName == "api-version").Name : Literal(method.ApiVersion);
        switch (method.Call)
        {
            case OperationCallKind.Head:
                w.Line("return _client.Arm.HeadAsync(requestPath, " + apiVersion + ", cancellationToken);");
                break;
            case OperationCallKind.Pageable:
                w.Line("return _client.Arm.GetPageable<" + result + ">(requestPath, " + apiVersion + ", cancellationToken);");
                break;
            default:
                string content = body is null ? "null" : WriteBody(w, body);
                w.Line(Runtime + "ArmResponse response = await _client.Arm.SendAsync(global::System.Net.Http.HttpMethod." + HttpMethodName(method.HttpMethod) + ", requestPath, " + apiVersion + ", " + content + ", cancellationToken).ConfigureAwait(false);");
                if (method.Call == OperationCallKind.LongRunning)
                {
                    string type = method.Result is null ? Runtime + "ArmOperation" : Runtime + "ArmOperation<" + result + ">";
                    w.Lines($$"""
                        var operation = new {{type}}(_client.Arm, response, {{Runtime}}ArmFinalStateVia.{{method.FinalStateVia}});
                        if (waitUntil == {{Runtime}}WaitUntil.Completed)
                        {
                            await (({{Runtime}}ArmOperation)operation).WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
                        }

                        return operation;
                        """);
                }
                else if (method.Result is null)
                {
                    w.Line("return response;");
                }
                else if (method.ResultNullable)
                {
                    w.Line("return new " + Runtime + "ArmResponse<" + result + "?>(response.Content.IsEmpty ? null : response.ContentAs<" + result + ">(), response);");
                }
                else
                {
                    w.Line("return new " + Runtime + "ArmResponse<" + result + ">(response.ContentAs<" + result + ">(), response);");
                }

                break;
        }

        w.Close();
    }

    /// <summary>Writes the body into a buffer; returns the content expression.</summary>
    private static string WriteBody(SourceWriter w, MethodParameterModel body)
    {
        bool isModel = body.Type.Kind == TypeRefKind.Model;
        string write = isModel ? ".WriteRequestJson(writer);" : ".WriteTo(writer);";
        string target = body.Required || isModel ? body.Name : body.Name + ".Value";
        w.Line("var buffer = new global::System.Buffers.ArrayBufferWriter<byte>();");
        if (!body.Required)
        {
            w.Open("if (" + body.Name + " is not null)");
        }

        w.Open("using (var writer = new global::System.Text.Json.Utf8JsonWriter(buffer))");
        w.Line(target + write);
        w.Close();
        if (!body.Required)
        {
            w.Close();
            return body.Name + " is null ? null : buffer.WrittenMemory";
        }

        return "buffer.WrittenMemory";
    }

    private static void CheckArgument(SourceWriter w, MethodParameterModel parameter)
    {
        if (parameter.Type.Kind == TypeRefKind.String)
        {
            w.Line("global::System.ArgumentException.ThrowIfNullOrEmpty(" + parameter.Name + ");");
        }
        else if (!IsValueType(parameter.Type))
        {
            w.Line("global::System.ArgumentNullException.ThrowIfNull(" + parameter.Name + ");");
        }
    }

    /// <summary>The expression of a parameter's value: the method's argument, or the client's property.</summary>
    private static string ValueOf(MethodParameterModel parameter) => parameter.FromClient ? "_client." + parameter.PropertyName : parameter.Name;

    /// <summary>The path template as a concatenation: literals as they are, parameters escaped unless x-ms-skip-url-encoding.</summary>
    private static string PathExpression(OperationMethodModel method)
    {
        var parts = new List<string>();
        string template = method.PathTemplate;
        int position = 0;
        while (position < template.Length)
        {
            int at = template.IndexOf('{', position);
            if (at < 0)
            {
                break;
            }

            int end = template.IndexOf('}', at);
            string name = template.Substring(at + 1, end - at - 1);
            MethodParameterModel parameter = method.Parameters.First(p => p.Place == ParameterPlace.Path && p.WireName == name);
            if (at > position)
            {
                parts.Add(Literal(template.Substring(position, at - position)));
            }

            string value = Format(parameter.Type, ValueOf(parameter));

            // x-ms-skip-url-encoding values (a scope, a resource ID) are paths themselves: inserted as they are,
            // without a leading '/' where the template already has one ("/{resourceId}" + "/subscriptions/...").
            parts.Add(!parameter.SkipUrlEncoding
                ? "global::System.Uri.EscapeDataString(" + value + ")"
                : at > 0 && template[at - 1] == '/' ? value + ".TrimStart('/')" : value);
            position = end + 1;
        }

        if (position < template.Length || parts.Count == 0)
        {
            parts.Add(Literal(template.Substring(position)));
        }

        return string.Join(" + ", parts);
    }

    private static string Format(TypeRefModel type, string value) => type.Kind switch
    {
        TypeRefKind.Int32 or TypeRefKind.Int64 => value + ".ToString(" + Invariant + ")",
        TypeRefKind.Double => value + ".ToString(\"R\", " + Invariant + ")",
        TypeRefKind.Boolean => "(" + value + " ? \"true\" : \"false\")",
        TypeRefKind.ExtensibleEnum => value + ".ToString()",
        TypeRefKind.FixedEnum => type.FullName + "Extensions.ToSerialString(" + value + ")",
        _ => value,
    };

    private static string TypeName(TypeRefModel type) => ModelEmitter.TypeName(type);

    private static bool IsValueType(TypeRefModel type) => type.Kind is not (TypeRefKind.String or TypeRefKind.Model or TypeRefKind.Bytes or TypeRefKind.Uri or TypeRefKind.Array or TypeRefKind.Map);

    private static string HttpMethodName(string method) => method switch
    {
        "GET" => "Get",
        "PUT" => "Put",
        "POST" => "Post",
        "PATCH" => "Patch",
        "DELETE" => "Delete",
        _ => "Head",
    };

    private static string Task(string type) => "global::System.Threading.Tasks.Task<" + type + ">";

    private static void Doc(SourceWriter w, string tag, string text)
    {
        w.Line("/// <" + tag + ">");
        foreach (string line in Lines(text))
        {
            w.Line(line.Length == 0 ? "///" : "/// " + Xml(line));
        }

        w.Line("/// </" + tag + ">");
    }

    private static string[] Lines(string text) => text.Trim().Split(LineBreaks, StringSplitOptions.None).Select(l => l.TrimEnd()).ToArray();

    private static string Flatten(string text) => string.Join(" ", Lines(text).Where(l => l.Length > 0));
}
