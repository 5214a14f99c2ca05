namespace GeneratedArm.TestServer;

/// <summary>Standalone emulator entry point.</summary>
public static class Program
{
    /// <summary>Runs the emulator until Ctrl+C.</summary>
    public static int Main(string[] args) => 0;
}
