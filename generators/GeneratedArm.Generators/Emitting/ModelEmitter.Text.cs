using static GeneratedArm.Generators.Emitting.CSharpText;

namespace GeneratedArm.Generators.Emitting;

/// <summary>Doc comments from schema descriptions (the escaping itself is <see cref="CSharpText"/>).</summary>
internal static partial class ModelEmitter
{
    private static void Summary(SourceWriter w, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        w.Line("/// <summary>");
        foreach (string line in text!.Split(LineBreaks, System.StringSplitOptions.None))
        {
            string trimmed = line.TrimEnd();
            w.Line(trimmed.Length == 0 ? "///" : "/// " + Xml(trimmed));
        }

        w.Line("/// </summary>");
    }
}
