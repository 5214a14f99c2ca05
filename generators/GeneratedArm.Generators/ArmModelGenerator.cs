using Microsoft.CodeAnalysis;

namespace GeneratedArm.Generators;

/// <summary>Placeholder until the first slice lands.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class ArmModelGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
