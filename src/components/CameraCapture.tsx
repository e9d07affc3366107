import { createSignal, onCleanup, Show } from 'solid-js';

const JPEG_QUALITY = 0.92;

/** `camera-2026-11-24-183005.jpg`: the note's title comes from the file name, as for an import. */
function photoName(now = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
  return `camera-${day}-${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}.jpg`;
}

/** The frame now in the video, as a JPEG file. */
async function grabFrame(video: HTMLVideoElement): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas');
  context.drawImage(video, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
  if (!blob) throw new Error('the frame could not be encoded');
  return new File([blob], photoName(), { type: 'image/jpeg' });
}

/**
 * "Take photo": a live preview from the camera (getUserMedia) and a button that turns
 * the frame into a photo note, as an import does. Without getUserMedia, or when the
 * camera is refused or missing, the same button opens the system's camera through
 * `<input type=file capture>` (phones) or a file chooser (desktops).
 */
export function CameraCapture(props: { onPhoto: (file: File) => void }) {
  let fallback: HTMLInputElement | undefined;
  let dialog: HTMLDialogElement | undefined;
  let video: HTMLVideoElement | undefined;
  const [stream, setStream] = createSignal<MediaStream>();
  const [ready, setReady] = createSignal(false);
  const [notice, setNotice] = createSignal<string>();

  const stop = () => {
    stream()?.getTracks().forEach((track) => track.stop());
    setStream(undefined);
    setReady(false);
    if (dialog?.open) dialog.close();
  };
  onCleanup(stop);

  const start = async () => {
    setNotice(undefined);
    if (!navigator.mediaDevices?.getUserMedia) {
      fallback?.click();
      return;
    }
    try {
      const media = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      setStream(media);
      dialog?.showModal();
      if (video) video.srcObject = media;
    } catch (e) {
      const name = e instanceof DOMException ? e.name : '';
      setNotice(name === 'NotAllowedError' ? 'Camera access was refused.' : 'No camera could be opened.');
      fallback?.click();
    }
  };

  const capture = async () => {
    if (!video) return;
    try {
      const file = await grabFrame(video);
      stop();
      props.onPhoto(file);
    } catch (e) {
      setNotice(`The photo could not be taken: ${e instanceof Error ? e.message : String(e)}`);
      stop();
    }
  };

  return (
    <div class="camera">
      <input
        ref={fallback}
        type="file"
        accept="image/*"
        capture="environment"
        class="visually-hidden"
        tabIndex={-1}
        aria-label="Photo from camera"
        data-testid="camera-fallback"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) props.onPhoto(file);
        }}
      />
      <button type="button" onClick={() => void start()}>
        Take photo
      </button>
      <Show when={notice()}>
        {(text) => (
          <p class="hint camera-notice" role="status">
            {text()}{' '}
            <button type="button" class="link" onClick={() => fallback?.click()}>
              Choose a photo instead
            </button>
          </p>
        )}
      </Show>
      <dialog ref={dialog} class="camera-dialog" aria-labelledby="camera-title" onCancel={stop}>
        <h2 id="camera-title">Take a photo</h2>
        <video ref={video} autoplay playsinline muted aria-label="Camera preview" onLoadedMetadata={() => setReady(true)} />
        <div class="camera-actions">
          <button type="button" class="primary" disabled={!ready()} onClick={() => void capture()}>
            Capture
          </button>
          <button type="button" onClick={stop}>
            Cancel
          </button>
        </div>
      </dialog>
    </div>
  );
}
