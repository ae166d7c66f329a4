import 'package:flutter/material.dart';

/// Read-only text field that opens a date picker and shows the chosen day.
class DatePickerField extends StatefulWidget {
  const DatePickerField({
    super.key,
    required this.initialDate,
    required this.onChanged,
    this.label = 'Date',
  });

  final DateTime initialDate;
  final ValueChanged<DateTime> onChanged;
  final String label;

  @override
  State<DatePickerField> createState() => _DatePickerFieldState();
}

class _DatePickerFieldState extends State<DatePickerField> {
  late DateTime _date = widget.initialDate;

  String get _formatted => '${_date.day}.${_date.month}.${_date.year}';

  Future<void> _pick() async {
    final picked = await showDatePicker(
      context: context,
      initialDate: _date,
      firstDate: DateTime(2000),
      lastDate: DateTime.now(),
    );
    if (picked == null) {
      return;
    }
    setState(() => _date = picked);
    widget.onChanged(picked);
  }

  @override
  Widget build(BuildContext context) {
    return InkWell(
      onTap: _pick,
      child: InputDecorator(
        decoration: InputDecoration(
          labelText: widget.label,
          prefixIcon: const Icon(Icons.event),
        ),
        child: Text(_formatted),
      ),
    );
  }
}
