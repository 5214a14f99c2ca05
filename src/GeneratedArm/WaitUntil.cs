namespace GeneratedArm;

/// <summary>
/// How long a method that starts a long-running operation waits before it returns (the same choice
/// Azure.ResourceManager's <c>WaitUntil</c> offers).
/// </summary>
public enum WaitUntil
{
    /// <summary>Return once the operation has ended (polling as ARM asks); <see cref="ArmOperation.HasCompleted"/> is then <see langword="true"/>.</summary>
    Completed,

    /// <summary>Return as soon as ARM has accepted the request; poll later, or keep <see cref="ArmOperation.Id"/> and <see cref="ArmOperation.Rehydrate(ArmClient, string)"/> it.</summary>
    Started,
}
