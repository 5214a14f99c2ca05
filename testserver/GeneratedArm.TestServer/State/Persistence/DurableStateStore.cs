using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using GeneratedArm.TestServer.Hosting;

namespace GeneratedArm.TestServer.State.Persistence;

/// <summary>Where the state hands its changes to be made durable (see <see cref="DurableStateStore"/>).</summary>
internal interface IStateJournal
{
    /// <summary>The ticket of the last change handed over (read inside the state's lock, so a snapshot knows what it contains).</summary>
    long LastTicket { get; }

    /// <summary>Hands over one operation's changes; called inside the state's lock, in the order changes are applied. Returns its ticket.</summary>
    long Append(IReadOnlyList<StateChange> changes);

    /// <summary>Returns once the changes with this ticket (and every earlier one) are on disk. Throws <see cref="IOException"/> if they cannot be.</summary>
    void WaitDurable(long ticket);
}

/// <summary>
/// Keeps the emulator state in a data directory (standalone <c>--data-dir</c>): a snapshot, <c>state.json</c>, plus an append-only
/// journal of the changes since, <c>journal-{n}.log</c> (one JSON line per state operation).
/// <para>
/// A write is acknowledged only after its journal line is written and fsynced (<b>group commit</b>: writers that arrive while an
/// fsync is in flight share the next one, so 8 writers cost about one fsync per batch, not eight). The journal is replaced by a new
/// snapshot (written to <c>state.json.tmp</c>, fsynced, renamed over <c>state.json</c>, directory fsynced) at start-up and whenever it
/// grows past twice the snapshot's size, so the cost per write does not grow with the state and loading replays a bounded journal.
/// A <c>kill -9</c> at any moment leaves a complete snapshot and a journal whose only damage can be a last line cut short — a write
/// that was never acknowledged, which loading skips. Measurements and the choice against SQLite: testserver/ARM.md.
/// </para>
/// </summary>
internal sealed partial class DurableStateStore : IStateJournal, IDisposable
{
    public const string FileName = "state.json";
    private const string Format = "generatedarm-emulator-state/1";
    private const long MinJournalBytesBeforeCompaction = 4 * 1024 * 1024;

    private static readonly JsonSerializerOptions s_lineOptions = new(EmulatorJson.Options) { WriteIndented = false };

    private readonly Lock _queueGate = new();
    private readonly Lock _flushGate = new();
    private readonly string _path;
    private readonly string _tempPath;
    private List<(long Ticket, IReadOnlyList<StateChange> Changes)> _queue = [];
    private long _appended;
    private long _durable;
    private IOException? _failure;
    private EmulatorState? _state;
    private FileStream? _lock;
    private FileStream? _journal;
    private long _epoch;
    private long _journalBytes;
    private long _snapshotBytes;

    private DurableStateStore(string directory, FileStream directoryLock)
    {
        Directory = directory;
        _path = Path.Combine(directory, FileName);
        _tempPath = _path + ".tmp";
        _lock = directoryLock;
    }

    public string Directory { get; }

    /// <summary>Snapshots written (start-up and compactions; for tests and diagnostics).</summary>
    public long Snapshots { get; private set; }

    /// <summary>Journal fsyncs (each one commits a batch of writes; for tests and diagnostics).</summary>
    public long JournalFlushes { get; private set; }

    public long LastTicket => Volatile.Read(ref _appended);

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
        if (_state is not null) _state.StateJournal = null;
        lock (_flushGate)
        {
            Interlocked.Exchange(ref _journal, null)?.Dispose();
        }
        Interlocked.Exchange(ref _lock, null)?.Dispose();
    }

    /// <summary>
    /// The saved state — the snapshot with its journal replayed — or null when the directory holds none yet. A leftover temporary
    /// file (a snapshot cut short) is discarded, and so is a journal's last line cut short (a write that was never acknowledged).
    /// </summary>
    public EmulatorStateSnapshot? TryLoad()
    {
        if (File.Exists(_tempPath)) File.Delete(_tempPath);
        if (!File.Exists(_path)) return null;
        EmulatorStateSnapshot snapshot;
        string? journal;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(_path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.GetString() != Format
                || !root.TryGetProperty("state", out var state))
            {
                throw new InvalidDataException($"'{_path}' is not an emulator state file (expected \"format\": \"{Format}\").");
            }
            snapshot = state.Deserialize<EmulatorStateSnapshot>(EmulatorJson.Options) ?? throw new InvalidDataException($"'{_path}' holds no state.");
            _epoch = root.TryGetProperty("epoch", out var epoch) && epoch.TryGetInt64(out long e) ? e : 0;
            journal = root.TryGetProperty("journal", out var j) ? j.GetString() : null;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{_path}' is not valid JSON: {e.Message}", e);
        }
        if (journal is null) return snapshot;
        string journalPath = Path.Combine(Directory, Path.GetFileName(journal));
        return File.Exists(journalPath) ? JournalReplay.Apply(snapshot, journalPath) : snapshot;
    }

    /// <summary>Saves a snapshot of the state now (a fresh journal begins) and journals every change from now on.</summary>
    public void Attach(EmulatorState state)
    {
        _state = state;
        lock (_flushGate)
        {
            WriteSnapshot(state.Snapshot(out _));
        }
        state.StateJournal = this;
    }

    public long Append(IReadOnlyList<StateChange> changes)
    {
        lock (_queueGate)
        {
            long ticket = ++_appended;
            _queue.Add((ticket, changes));
            return ticket;
        }
    }

    public void WaitDurable(long ticket)
    {
        lock (_flushGate)
        {
            if (_failure is not null) throw new IOException(_failure.Message, _failure);
            if (Volatile.Read(ref _durable) >= ticket) return;
            List<(long Ticket, IReadOnlyList<StateChange> Changes)> batch;
            lock (_queueGate)
            {
                batch = _queue;
                _queue = [];
            }
            try
            {
                if (batch.Count > 0) WriteBatch(batch);
                if (_journalBytes > Math.Max(MinJournalBytesBeforeCompaction, 2 * _snapshotBytes) && _state is { } state) Compact(state);
            }
            catch (IOException e)
            {
                // The journal's tail is now unknown: refuse every later write rather than acknowledge one that might not survive.
                _failure = new IOException($"The emulator's data directory '{Directory}' could not be written ({e.Message}); restart the emulator.", e);
                throw _failure;
            }
        }
    }

    /// <summary>Replaces the journal by a snapshot now (what happens on its own once the journal outgrows the snapshot).</summary>
    public void CompactNow()
    {
        lock (_flushGate)
        {
            if (_state is { } state) Compact(state);
        }
    }

    /// <summary>One line per operation, all written together, then one fsync for the whole batch.</summary>
    private void WriteBatch(List<(long Ticket, IReadOnlyList<StateChange> Changes)> batch)
    {
        var journal = _journal ?? throw new ObjectDisposedException(nameof(DurableStateStore));
        var buffer = new MemoryStream();
        foreach (var (ticket, changes) in batch) JournalReplay.WriteLine(buffer, ticket, changes, s_lineOptions);
        journal.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        journal.Flush(flushToDisk: true);
        _journalBytes += buffer.Length;
        JournalFlushes++;
        Volatile.Write(ref _durable, batch[^1].Ticket);
    }

    /// <summary>Replaces the journal by a snapshot (inside the flush lock). Changes queued but already in the snapshot count as durable with it.</summary>
    private void Compact(EmulatorState state)
    {
        var snapshot = state.Snapshot(out long upTo);
        WriteSnapshot(snapshot);
        lock (_queueGate) { _queue.RemoveAll(q => q.Ticket <= upTo); }
        if (upTo > Volatile.Read(ref _durable)) Volatile.Write(ref _durable, upTo);
    }

    /// <summary>A new, empty journal file (fsynced), then the snapshot that names it, atomically renamed into place; then old journals go.</summary>
    private void WriteSnapshot(EmulatorStateSnapshot snapshot)
    {
        long epoch = _epoch + 1;
        string journalName = $"journal-{epoch}.log";
        var journal = new FileStream(Path.Combine(Directory, journalName), FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
        try
        {
            journal.Flush(flushToDisk: true);
            using (var stream = new FileStream(_tempPath, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.None))
            {
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = EmulatorJson.Options.Encoder }))
                {
                    writer.WriteStartObject();
                    writer.WriteString("format", Format);
                    writer.WriteNumber("epoch", epoch);
                    writer.WriteString("journal", journalName);
                    writer.WritePropertyName("state");
                    JsonSerializer.Serialize(writer, snapshot, EmulatorJson.Options);
                    writer.WriteEndObject();
                }
                stream.Flush(flushToDisk: true);
                _snapshotBytes = stream.Length;
            }
            File.Move(_tempPath, _path, overwrite: true);
            SyncDirectory(Directory);
        }
        catch
        {
            journal.Dispose();
            throw;
        }
        Interlocked.Exchange(ref _journal, journal)?.Dispose();
        _epoch = epoch;
        _journalBytes = 0;
        Snapshots++;
        foreach (var old in System.IO.Directory.EnumerateFiles(Directory, "journal-*.log"))
        {
            if (!string.Equals(Path.GetFileName(old), journalName, StringComparison.Ordinal)) File.Delete(old);
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
