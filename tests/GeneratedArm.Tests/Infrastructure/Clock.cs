using Microsoft.Extensions.Time.Testing;

namespace GeneratedArm.Tests.Infrastructure;

public static class Clock
{
    public static FakeTimeProvider Create() => new(Imds.Start);

    /// <summary>
    /// Advances <paramref name="time"/> in <paramref name="step"/>s, letting continuations run between steps, until
    /// <paramref name="task"/> completes or <paramref name="limit"/> of fake time has passed. Returns the fake time used.
    /// </summary>
    public static async Task<TimeSpan> DriveAsync(Task task, FakeTimeProvider time, TimeSpan step, TimeSpan limit)
    {
        var start = time.GetUtcNow();
        await SettleAsync(task);
        while (!task.IsCompleted && time.GetUtcNow() - start < limit)
        {
            time.Advance(step);
            await SettleAsync(task);
        }

        return time.GetUtcNow() - start;
    }

    /// <summary>Waits (real time, up to 10 s) until <paramref name="condition"/> holds; fails the test otherwise.</summary>
    public static async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.That(condition(), Is.True, "condition not met within 10 s");
    }

    /// <summary>Gives thread-pool continuations a moment to run (real time, bounded).</summary>
    public static async Task SettleAsync(Task task)
    {
        for (var i = 0; i < 20 && !task.IsCompleted; i++)
        {
            await Task.Delay(1);
        }
    }
}
