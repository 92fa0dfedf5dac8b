import { bodyLimit } from "hono/body-limit";
import { AppError } from "../../lib/errors";
import { MAX_FILE_BYTES } from "../../services/knowledge/model";

export const KNOWLEDGE_UPLOAD_PATH = "/v1/knowledge/documents";

/** A 10 MB file plus its multipart framing; counted on the stream, so a lying Content-Length cannot pass. */
export const knowledgeUploadLimit = bodyLimit({
  maxSize: MAX_FILE_BYTES + 64 * 1024,
  onError: () => {
    throw new AppError("PAYLOAD_TOO_LARGE", `Uploads must be at most ${MAX_FILE_BYTES / 1024 / 1024} MB`);
  },
});
