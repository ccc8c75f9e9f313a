// Start GOV.UK Frontend's components (service navigation toggle, error summary focus, ...).
import { initAll } from "../govuk-frontend/govuk-frontend.min.js";

initAll();
