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

    /// <summary>Gives thread-pool continuations a moment to run (real time, bounded).</summary>
    public static async Task SettleAsync(Task task)
    {
        for (var i = 0; i < 20 && !task.IsCompleted; i++)
        {
            await Task.Delay(1);
        }
    }
}
