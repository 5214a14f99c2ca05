using Microsoft.Extensions.Time.Testing;

namespace GeneratedArm.IntegrationTests;

/// <summary>One fake clock shared by the emulator and the runtime, so retry waits cost no real time.</summary>
internal static class FakeClock
{
    public static FakeTimeProvider Create() => new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Advances <paramref name="clock"/> in <paramref name="step"/>s until <paramref name="task"/> completes or <paramref name="limit"/> of fake time passes.</summary>
    public static async Task DriveAsync(Task task, FakeTimeProvider clock, TimeSpan step, TimeSpan limit)
    {
        var end = clock.GetUtcNow() + limit;
        while (!task.IsCompleted && clock.GetUtcNow() < end)
        {
            // Let the awaited I/O (the in-process server) run before moving time on.
            await Task.WhenAny(task, Task.Delay(5));
            if (!task.IsCompleted)
            {
                clock.Advance(step);
            }
        }
    }
}
