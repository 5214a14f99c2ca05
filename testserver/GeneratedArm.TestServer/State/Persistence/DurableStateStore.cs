using System.Runtime.InteropServices;
using System.Text.Json;
using GeneratedArm.TestServer.Hosting;

namespace GeneratedArm.TestServer.State.Persistence;

/// <summary>
/// Keeps the whole emulator state in <c>{dataDir}/state.json</c> (standalone <c>--data-dir</c>).
/// <para>
/// Design: <b>atomic snapshot replacement</b>, not a journal. After every change, before the request that made it is answered,
/// the complete state is written to <c>state.json.tmp</c>, flushed to the disk (<c>fsync</c>), renamed over <c>state.json</c>
/// (<c>rename(2)</c> replaces atomically) and the directory is fsynced so the rename itself is durable.
/// Why: the emulator's state is small (kilobytes to a few megabytes), so rewriting it costs about as much as the fsync a journal
/// append needs anyway, and the file on disk is always one complete, valid document — either the state before a write or after
/// it, never a torn tail — so it always loads, with no replay, no compaction and no partial-record recovery to get wrong.
/// A <c>kill -9</c> at any moment leaves either the old or the new <c>state.json</c> (plus, at worst, a stray <c>.tmp</c> that
/// loading deletes); a write acknowledged to a client was renamed into place before the response was sent.
/// </para>
/// </summary>
internal sealed partial class DurableStateStore : IDisposable
{
    public const string FileName = "state.json";
    private const string Format = "generatedarm-emulator-state/1";
    private readonly Lock _writeGate = new();
    private readonly string _path;
    private readonly string _tempPath;
    private EmulatorState? _state;
    private FileStream? _lock;

    private DurableStateStore(string directory, FileStream directoryLock)
    {
        Directory = directory;
        _path = Path.Combine(directory, FileName);
        _tempPath = _path + ".tmp";
        _lock = directoryLock;
    }

    public string Directory { get; }

    /// <summary>Number of snapshots written (for tests and diagnostics).</summary>
    public long Writes { get; private set; }

    /// <summary>
    /// Opens (creating) the data directory and locks it for this emulator (<c>.lock</c>, held open without sharing, released by
    /// <see cref="Dispose"/> or the process's death), so two emulators cannot overwrite each other's state.
    /// Throws <see cref="IOException"/>/<see cref="UnauthorizedAccessException"/> when the directory cannot be used or is in use.
    /// </summary>
    public static DurableStateStore Open(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string full = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(full);
        FileStream directoryLock;
        try
        {
            directoryLock = new FileStream(Path.Combine(full, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"The data directory '{full}' is in use by another emulator.", e);
        }
        return new DurableStateStore(full, directoryLock);
    }

    /// <summary>Opens the directory and reads the saved state (null when none); releases the lock if the state cannot be read.</summary>
    public static DurableStateStore Open(string directory, out EmulatorStateSnapshot? saved)
    {
        var store = Open(directory);
        try
        {
            saved = store.TryLoad();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Stops saving and releases the directory.</summary>
    public void Dispose()
    {
        if (_state is not null) _state.Changed = null;
        Interlocked.Exchange(ref _lock, null)?.Dispose();
    }

    /// <summary>The saved state, or null when the directory holds none yet. A leftover temporary file (a write cut short) is discarded.</summary>
    public EmulatorStateSnapshot? TryLoad()
    {
        if (File.Exists(_tempPath)) File.Delete(_tempPath);
        if (!File.Exists(_path)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(_path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.GetString() != Format
                || !root.TryGetProperty("state", out var state))
            {
                throw new InvalidDataException($"'{_path}' is not an emulator state file (expected \"format\": \"{Format}\").");
            }
            return state.Deserialize<EmulatorStateSnapshot>(EmulatorJson.Options) ?? throw new InvalidDataException($"'{_path}' holds no state.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{_path}' is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Saves the state now and after every change from now on.</summary>
    public void Attach(EmulatorState state)
    {
        _state = state;
        state.Changed = Save;
        Save();
    }

    /// <summary>Writes the current state (called synchronously after each change, so the answer to a write follows its persistence).</summary>
    public void Save()
    {
        var state = _state;
        if (state is null) return;
        lock (_writeGate)
        {
            // The snapshot is taken inside the write lock: a later writer always writes a state that includes every earlier change.
            var snapshot = state.Snapshot();
            using (var stream = new FileStream(_tempPath, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.None))
            {
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = EmulatorJson.Options.Encoder }))
                {
                    writer.WriteStartObject();
                    writer.WriteString("format", Format);
                    writer.WritePropertyName("state");
                    JsonSerializer.Serialize(writer, snapshot, EmulatorJson.Options);
                    writer.WriteEndObject();
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(_tempPath, _path, overwrite: true);
            SyncDirectory(Directory);
            Writes++;
        }
    }

    /// <summary>fsync on the directory makes the rename durable (POSIX); Windows has no equivalent and needs none for NTFS renames.</summary>
    private static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        int fd = Native.open(directory, 0 /* O_RDONLY */);
        if (fd < 0) return;
        try { _ = Native.fsync(fd); }
        finally { _ = Native.close(fd); }
    }

    private static partial class Native
    {
        [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int open(string path, int flags);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial int fsync(int fd);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial int close(int fd);
    }
}
