from django import forms

from trust_portal.approvals import forms as approvals


class ReturnStartForm(approvals.StartForm):
    month = approvals.month_field("2026-10-01")


class ReturnFiguresForm(approvals.FiguresForm):
    """The entry grid: indicators down, areas across; numerator and denominator per cell."""

    def __init__(self, *args, cells, measurements, commentaries, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = cells
        for indicator, area in cells:
            m = measurements.get((indicator.pk, area))
            label = f"{indicator.name}, {area}"
            self.fields[f"n__{indicator.code}__{area}"] = forms.CharField(
                required=False,
                label=f"{label}: {'numerator' if indicator.has_denominator else 'number'}",
                initial=m.numerator if m else None,
            )
            if indicator.has_denominator:
                self.fields[f"d__{indicator.code}__{area}"] = forms.CharField(
                    required=False,
                    label=f"{label}: denominator",
                    initial=m.denominator if m else None,
                )
        for indicator in {i for i, _ in cells}:
            self.fields[f"c__{indicator.code}"] = approvals.commentary_field(
                f"Commentary on {indicator.name}", commentaries.get(indicator.pk, "")
            )

    def figures(self) -> dict:
        data = self.cleaned_data
        result = {}
        for indicator, area in self.cells:
            result[(indicator.code, area)] = (
                data.get(f"n__{indicator.code}__{area}"),
                data.get(f"d__{indicator.code}__{area}"),
            )
        return result

    def commentary(self) -> dict:
        return {
            name.removeprefix("c__"): value or ""
            for name, value in self.cleaned_data.items()
            if name.startswith("c__")
        }

    def grid(self):
        """Rows for the template: (indicator, [(area, numerator field, denominator field)],
        commentary field)."""
        rows, seen = [], {}
        for indicator, area in self.cells:
            if indicator.code not in seen:
                seen[indicator.code] = (indicator, [], self[f"c__{indicator.code}"])
                rows.append(seen[indicator.code])
            den = self[f"d__{indicator.code}__{area}"] if indicator.has_denominator else None
            seen[indicator.code][1].append((area, self[f"n__{indicator.code}__{area}"], den))
        return rows

    def field_for(self, key: str) -> str:
        """ "CODE.AREA" names the numerator's cell, "CODE.AREA.den" the denominator's."""
        parts = key.split(".")
        if len(parts) < 2:
            return key
        return f"{'d' if parts[-1] == 'den' else 'n'}__{parts[0]}__{parts[1]}"


class QueryForm(approvals.QueryForm):
    pass


class CorrectionForm(approvals.CorrectionForm):
    reason = approvals.reason_field("return", "both councils")
