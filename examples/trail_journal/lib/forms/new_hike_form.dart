import 'package:flutter/material.dart';

import '../theme/insets.dart';
import '../widgets/rating_stars.dart';
import 'date_field.dart';
import 'hook_fields.dart';

/// Form for logging a hike: trail name, date, duration, rating and notes.
/// Validates everything before the save button does anything.
class NewHikeForm extends StatefulWidget {
  const NewHikeForm({super.key});

  @override
  State<NewHikeForm> createState() => _NewHikeFormState();
}

class _NewHikeFormState extends State<NewHikeForm> {
  final _formKey = GlobalKey<FormState>();
  final _trailController = TextEditingController();
  final _hoursController = TextEditingController();
  final _notesController = TextEditingController();
  DateTime _date = DateTime.now();
  int _rating = 3;

  @override
  void dispose() {
    _trailController.dispose();
    _hoursController.dispose();
    _notesController.dispose();
    super.dispose();
  }

  void _save() {
    if (!_formKey.currentState!.validate()) {
      return;
    }
    Navigator.of(context).pop();
  }

  @override
  Widget build(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    return Form(
      key: _formKey,
      child: Padding(
        padding: Insets.md,
        child: Column(
          crossAxisAlignment: CrossAxisAlignment.stretch,
          children: [
            Text('Where did you go?', style: textTheme.titleMedium),
            const SizedBox(height: 8),
            _buildTrailField(),
            const SizedBox(height: 8),
            DatePickerField(
              initialDate: _date,
              onChanged: (value) => _date = value,
            ),
            const SizedBox(height: 8),
            _buildDurationField(),
            const SizedBox(height: 8),
            const DistanceField(),
            const SizedBox(height: 8),
            RatingPicker(onChanged: (value) => _rating = value),
            const SizedBox(height: 8),
            _buildNotesField(),
            const SizedBox(height: 16),
            ElevatedButton.icon(
              onPressed: _save,
              icon: const Icon(Icons.save),
              label: Text('Save ($_rating stars)'),
            ),
          ],
        ),
      ),
    );
  }

  Widget _buildTrailField() {
    return TextFormField(
      controller: _trailController,
      decoration: const InputDecoration(
        labelText: 'Trail',
        prefixIcon: Icon(Icons.terrain),
      ),
      validator: (value) {
        if (value == null || value.trim().isEmpty) {
          return 'Which trail was it?';
        }
        return null;
      },
    );
  }

  /// Hours on the trail; accepts decimals like 3.5.
  Widget _buildDurationField() {
    return TextFormField(
      controller: _hoursController,
      keyboardType: const TextInputType.numberWithOptions(decimal: true),
      decoration: const InputDecoration(
        labelText: 'Duration (hours)',
        prefixIcon: Icon(Icons.timer_outlined),
      ),
      validator: (value) {
        final hours = double.tryParse(value ?? '');
        if (hours == null || hours <= 0) {
          return 'Enter a positive number of hours';
        }
        if (hours > 72) {
          return 'That is a long hike. Split it into days?';
        }
        return null;
      },
    );
  }

  Widget _buildNotesField() {
    return TextFormField(
      controller: _notesController,
      maxLines: 4,
      maxLength: 500,
      decoration: const InputDecoration(
        labelText: 'Notes',
        alignLabelWithHint: true,
        border: OutlineInputBorder(),
      ),
    );
  }
}
