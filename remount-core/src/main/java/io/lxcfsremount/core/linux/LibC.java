package io.lxcfsremount.core.linux;

import com.kenai.jffi.ArrayFlags;
import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.HeapInvocationBuffer;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.ObjectParameterInfo;
import com.kenai.jffi.ObjectParameterStrategy;
import com.kenai.jffi.ObjectParameterType;
import com.kenai.jffi.Type;
import jnr.ffi.Pointer;

/**
 * The libc entry points the agent calls, through jffi, the layer under jnr-ffi. jnr-ffi would bind
 * an interface of them by generating a class of stubs at every start (some 50 ms of CPU, on the
 * path of every one-shot repair); these are the calls its stubs make, written once. The mount API
 * calls are reached through {@code syscall()} because glibc 2.36 has no wrappers for most of them;
 * each method is one call's argument list (x86_64 and aarch64 pass these in registers whether or
 * not the callee is variadic). Paths are NUL-terminated UTF-8 ({@link Syscalls} makes them), and
 * every struct is a {@link Pointer} on the Java heap, copied in and out around the call. Each call
 * keeps its errno for {@link #errno()}.
 */
final class LibC {
  private static final Invoker INVOKER = Invoker.getInstance();

  /** The symbols of the JVM's process: libc's among them, whichever libc that is. */
  private static final Library PROCESS = Library.getDefault();

  private static final ObjectParameterStrategy<byte[]> BYTES = new HeapBytes();

  private final Call setns = new Call("setns", Type.SINT, Type.SINT, Type.SINT);
  private final Call unshare = new Call("unshare", Type.SINT, Type.SINT);
  private final Call umount2 = new Call("umount2", Type.SINT, Type.POINTER, Type.SINT);
  private final Call mount =
      new Call(
          "mount", Type.SINT, Type.POINTER, Type.POINTER, Type.POINTER, Type.ULONG, Type.POINTER);
  private final Call open = new Call("open", Type.SINT, Type.POINTER, Type.SINT);
  private final Call fchdir = new Call("fchdir", Type.SINT, Type.SINT);
  private final Call eventfd = new Call("eventfd", Type.SINT, Type.UINT, Type.SINT);
  private final Call read = new Call("read", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG);
  private final Call write = new Call("write", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG);
  private final Call close = new Call("close", Type.SINT, Type.SINT);
  private final Call fcntl = new Call("fcntl", Type.SINT, Type.SINT, Type.SINT, Type.SINT);
  private final Call poll = new Call("poll", Type.SINT, Type.POINTER, Type.ULONG, Type.SINT);
  // syscall(number, ...): one shape per system call, every argument a register's worth.
  private final Call pidfdOpen =
      new Call("syscall", Type.SLONG, Type.SLONG, Type.SLONG, Type.SLONG);
  private final Call openTree =
      new Call("syscall", Type.SLONG, Type.SLONG, Type.SLONG, Type.POINTER, Type.SLONG);
  private final Call moveMount =
      new Call(
          "syscall",
          Type.SLONG,
          Type.SLONG,
          Type.SLONG,
          Type.POINTER,
          Type.SLONG,
          Type.POINTER,
          Type.SLONG);
  private final Call mountSetattr =
      new Call(
          "syscall",
          Type.SLONG,
          Type.SLONG,
          Type.SLONG,
          Type.POINTER,
          Type.SLONG,
          Type.POINTER,
          Type.SLONG);
  private final Call openat2 =
      new Call(
          "syscall", Type.SLONG, Type.SLONG, Type.SLONG, Type.POINTER, Type.POINTER, Type.SLONG);
  private final Call statx =
      new Call(
          "syscall",
          Type.SLONG,
          Type.SLONG,
          Type.SLONG,
          Type.POINTER,
          Type.SLONG,
          Type.SLONG,
          Type.POINTER);

  /** The errno the calling thread's last call here left. */
  static int errno() {
    return LastError.getInstance().get();
  }

  int setns(int fd, int nstype) {
    return (int) INVOKER.invokeN2(setns.context, setns.address, fd, nstype);
  }

  int unshare(int flags) {
    return (int) INVOKER.invokeN1(unshare.context, unshare.address, flags);
  }

  int umount2(byte[] target, int flags) {
    return (int)
        INVOKER.invokeN2O1(
            umount2.context, umount2.address, 0, flags, target, BYTES, umount2.in(0));
  }

  /** mount(2) with no data; {@code source} and {@code filesystemType} may be null. */
  int mount(byte[] source, byte[] target, byte[] filesystemType, long flags) {
    // Rare (the classic strategy, the tests' own mounts), and its nulls are simplest this way.
    HeapInvocationBuffer arguments = new HeapInvocationBuffer(mount.context);
    putString(arguments, source);
    putString(arguments, target);
    putString(arguments, filesystemType);
    arguments.putLong(flags);
    arguments.putAddress(0);
    return INVOKER.invokeInt(mount.context, mount.address, arguments);
  }

  private static void putString(HeapInvocationBuffer arguments, byte[] text) {
    if (text == null) {
      arguments.putAddress(0);
    } else {
      arguments.putArray(text, 0, text.length, ArrayFlags.IN);
    }
  }

  int open(byte[] path, int flags) {
    return (int) INVOKER.invokeN2O1(open.context, open.address, 0, flags, path, BYTES, open.in(0));
  }

  int fchdir(int fd) {
    return (int) INVOKER.invokeN1(fchdir.context, fchdir.address, fd);
  }

  int eventfd(int initialValue, int flags) {
    return (int) INVOKER.invokeN2(eventfd.context, eventfd.address, initialValue, flags);
  }

  long read(int fd, Pointer buffer, long count) {
    return INVOKER.invokeN3O1(
        read.context, read.address, fd, 0, count, bytes(buffer), BYTES, read.inOut(1));
  }

  long write(int fd, Pointer buffer, long count) {
    return INVOKER.invokeN3O1(
        write.context, write.address, fd, 0, count, bytes(buffer), BYTES, write.in(1));
  }

  int close(int fd) {
    return (int) INVOKER.invokeN1(close.context, close.address, fd);
  }

  /** fcntl(fd, cmd, arg) with an integer argument (F_DUPFD_CLOEXEC). */
  int fcntl(int fd, int cmd, int arg) {
    return (int) INVOKER.invokeN3(fcntl.context, fcntl.address, fd, cmd, arg);
  }

  int poll(Pointer fds, long count, int timeoutMillis) {
    return (int)
        INVOKER.invokeN3O1(
            poll.context, poll.address, 0, count, timeoutMillis, bytes(fds), BYTES, poll.inOut(0));
  }

  /** pidfd_open(pid, flags). */
  long syscall(long number, long pid, long flags) {
    return INVOKER.invokeN3(pidfdOpen.context, pidfdOpen.address, number, pid, flags);
  }

  /** open_tree(dfd, path, flags). */
  long syscall(long number, int dirFd, byte[] path, int flags) {
    return INVOKER.invokeN4O1(
        openTree.context, openTree.address, number, dirFd, 0, flags, path, BYTES, openTree.in(2));
  }

  /** move_mount(from_dfd, from_path, to_dfd, to_path, flags). */
  long syscall(long number, int fromDirFd, byte[] fromPath, int toDirFd, byte[] toPath, int flags) {
    return INVOKER.invokeN6O2(
        moveMount.context,
        moveMount.address,
        number,
        fromDirFd,
        0,
        toDirFd,
        0,
        flags,
        fromPath,
        BYTES,
        moveMount.in(2),
        toPath,
        BYTES,
        moveMount.in(4));
  }

  /** mount_setattr(dfd, path, flags, attr, size). */
  long syscall(long number, int dirFd, byte[] path, int flags, Pointer attr, long size) {
    return INVOKER.invokeN6O2(
        mountSetattr.context,
        mountSetattr.address,
        number,
        dirFd,
        0,
        flags,
        0,
        size,
        path,
        BYTES,
        mountSetattr.in(2),
        bytes(attr),
        BYTES,
        mountSetattr.in(4));
  }

  /** openat2(dfd, path, how, size). */
  long syscall(long number, int dirFd, byte[] path, Pointer how, long size) {
    return INVOKER.invokeN5O2(
        openat2.context,
        openat2.address,
        number,
        dirFd,
        0,
        0,
        size,
        path,
        BYTES,
        openat2.in(2),
        bytes(how),
        BYTES,
        openat2.in(3));
  }

  /** statx(dfd, path, flags, mask, buffer). */
  long syscall(long number, int dirFd, byte[] path, int flags, int mask, Pointer buffer) {
    return INVOKER.invokeN6O2(
        statx.context,
        statx.address,
        number,
        dirFd,
        0,
        flags,
        mask,
        0,
        path,
        BYTES,
        statx.in(2),
        bytes(buffer),
        BYTES,
        statx.inOut(5));
  }

  /** One function and the shape of its call, errno kept. */
  private static final class Call {
    final long address;
    final CallContext context;
    private final ObjectParameterInfo[] in;
    private final ObjectParameterInfo[] inOut;

    Call(String symbol, Type returns, Type... parameters) {
      this.address = PROCESS.getSymbolAddress(symbol);
      if (address == 0) {
        throw new UnsatisfiedLinkError(symbol + ": not found in libc: " + Library.getLastError());
      }
      this.context =
          CallContext.getCallContext(returns, parameters, CallingConvention.DEFAULT, true);
      this.in = new ObjectParameterInfo[parameters.length];
      this.inOut = new ObjectParameterInfo[parameters.length];
      for (int i = 0; i < parameters.length; i++) {
        in[i] = info(i, ObjectParameterInfo.IN);
        inOut[i] = info(i, ObjectParameterInfo.IN | ObjectParameterInfo.OUT);
      }
    }

    private static ObjectParameterInfo info(int index, int direction) {
      return ObjectParameterInfo.create(
          index, ObjectParameterInfo.ARRAY, ObjectParameterInfo.BYTE, direction);
    }

    /** Parameter {@code index}: bytes the callee only reads. */
    ObjectParameterInfo in(int index) {
      return in[index];
    }

    /** Parameter {@code index}: bytes the callee reads and writes. */
    ObjectParameterInfo inOut(int index) {
      return inOut[index];
    }
  }

  /**
   * The bytes behind a struct made by {@link Syscalls#allocate}: the whole array, as the kernel
   * sees the struct from its start. Anything else would reach the kernel as the wrong bytes.
   */
  private static byte[] bytes(Pointer struct) {
    if (!struct.hasArray()
        || struct.arrayOffset() != 0
        || !(struct.array() instanceof byte[] bytes)) {
      throw new IllegalArgumentException("not a struct of Syscalls.allocate: " + struct);
    }
    return bytes;
  }

  /** A byte array on the Java heap, passed whole (jffi copies or pins it around the call). */
  private static final class HeapBytes extends ObjectParameterStrategy<byte[]> {
    HeapBytes() {
      super(HEAP, ObjectParameterType.create(ObjectParameterType.ARRAY, ObjectParameterType.BYTE));
    }

    @Override
    public long address(byte[] bytes) {
      return 0;
    }

    @Override
    public Object object(byte[] bytes) {
      return bytes;
    }

    @Override
    public int offset(byte[] bytes) {
      return 0;
    }

    @Override
    public int length(byte[] bytes) {
      return bytes.length;
    }
  }
}
